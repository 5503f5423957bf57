"""Give every existing user a profile holding their person data.

On the standalone site (AUTH_USER_MODEL = lms_people.User) the data is copied
from the user row, unchanged; backwards it is copied back. On a host site the
profile starts from the host user's own name (first and last name) or, lacking
one, its username.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import migrations

from lms.people.text import fold_for_search, normalize_text, vietnamese_sort_key

PERSON_FIELDS = (
    "full_name",
    "phone",
    "student_code",
    "birth_date",
    "must_change_password",
    "sort_name",
    "search_name",
)
BATCH = 1000


def _ours() -> bool:
    return settings.AUTH_USER_MODEL.lower() == "lms_people.user"


def _host_profile(PersonProfile, user):
    # Historical models lack USERNAME_FIELD; the installed model has it.
    username = getattr(user, get_user_model().USERNAME_FIELD, "") or ""
    full_name = normalize_text(
        f"{getattr(user, 'first_name', '')} {getattr(user, 'last_name', '')}"
    ) or normalize_text(str(username))
    return PersonProfile(
        user_id=user.pk,
        full_name=full_name,
        sort_name=vietnamese_sort_key(full_name),
        search_name=fold_for_search(full_name),
    )


def profiles_create(apps, schema_editor):
    User = apps.get_model(settings.AUTH_USER_MODEL)
    PersonProfile = apps.get_model("lms_people", "PersonProfile")
    alias = schema_editor.connection.alias
    has_profile = PersonProfile.objects.using(alias).values("user_id")
    users = User.objects.using(alias).exclude(pk__in=has_profile).order_by("pk")
    batch = []
    for user in users.iterator(chunk_size=BATCH):
        if _ours():
            fields = {name: getattr(user, name) for name in PERSON_FIELDS}
            batch.append(PersonProfile(user_id=user.pk, **fields))
        else:
            batch.append(_host_profile(PersonProfile, user))
        if len(batch) >= BATCH:
            PersonProfile.objects.using(alias).bulk_create(batch)
            batch = []
    PersonProfile.objects.using(alias).bulk_create(batch)


def profiles_copy_back(apps, schema_editor):
    if not _ours():
        return  # A host's users keep their own names; the profiles just go.
    User = apps.get_model(settings.AUTH_USER_MODEL)
    PersonProfile = apps.get_model("lms_people", "PersonProfile")
    alias = schema_editor.connection.alias
    profiles = PersonProfile.objects.using(alias).order_by("pk")
    batch = []
    for profile in profiles.iterator(chunk_size=BATCH):
        user = User(pk=profile.user_id)
        for name in PERSON_FIELDS:
            setattr(user, name, getattr(profile, name))
        batch.append(user)
        if len(batch) >= BATCH:
            User.objects.using(alias).bulk_update(batch, PERSON_FIELDS)
            batch = []
    User.objects.using(alias).bulk_update(batch, PERSON_FIELDS)


class Migration(migrations.Migration):

    dependencies = [
        ('lms_people', '0005_add_person_profile'),
    ]

    operations = [
        migrations.RunPython(profiles_create, profiles_copy_back, elidable=False),
    ]
