from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('lms_people', '0006_copy_person_data_to_profiles'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='user',
            options={'ordering': ['lms_profile__sort_name', 'username'], 'verbose_name': 'user', 'verbose_name_plural': 'users'},
        ),
        migrations.RemoveField(
            model_name='user',
            name='birth_date',
        ),
        migrations.RemoveField(
            model_name='user',
            name='full_name',
        ),
        migrations.RemoveField(
            model_name='user',
            name='must_change_password',
        ),
        migrations.RemoveField(
            model_name='user',
            name='phone',
        ),
        migrations.RemoveField(
            model_name='user',
            name='search_name',
        ),
        migrations.RemoveField(
            model_name='user',
            name='sort_name',
        ),
        migrations.RemoveField(
            model_name='user',
            name='student_code',
        ),
    ]
