import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('lms_people', '0004_consent_permissions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PersonProfile',
            fields=[
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='lms_profile', serialize=False, to=settings.AUTH_USER_MODEL, verbose_name='user')),
                ('full_name', models.CharField(blank=True, max_length=150, verbose_name='full name')),
                ('phone', models.CharField(blank=True, max_length=20, verbose_name='phone number')),
                ('student_code', models.CharField(blank=True, db_index=True, help_text='The code the school gives the student, if any.', max_length=32, verbose_name='student code')),
                ('birth_date', models.DateField(blank=True, help_text="Used only to know whether a parent's consent is needed.", null=True, verbose_name='date of birth')),
                ('must_change_password', models.BooleanField(default=False, help_text='The user must set a new password the next time they sign in.', verbose_name='must change password')),
                ('sort_name', models.CharField(db_index=True, editable=False, max_length=400)),
                ('search_name', models.CharField(db_index=True, editable=False, max_length=150)),
            ],
            options={
                'verbose_name': 'person profile',
                'verbose_name_plural': 'person profiles',
            },
        ),
    ]
