from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('lms_people', '0006_copy_person_data_to_profiles'),
    ]

    # The defaults only let the columns come back, filled, when migrating back.
    operations = [
        migrations.AlterField(
            model_name='user',
            name='full_name',
            field=models.CharField(default='', max_length=150, verbose_name='full name'),
        ),
        migrations.AlterField(
            model_name='user',
            name='sort_name',
            field=models.CharField(db_index=True, default='', editable=False, max_length=400),
        ),
        migrations.AlterField(
            model_name='user',
            name='search_name',
            field=models.CharField(db_index=True, default='', editable=False, max_length=150),
        ),
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
