"""Person data lives in PersonProfile, reached through profile_of."""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from lms.people.models import PersonProfile
from lms.people.profiles import profile_of, profile_update
from lms.people.text import fold_for_search, vietnamese_sort_key

from .factories import UserFactory

BEFORE = [("lms_people", "0004_consent_permissions")]
AFTER = [("lms_people", "0007_remove_user_person_fields")]


@pytest.mark.django_db
def test_a_new_user_gets_a_profile():
    user = get_user_model().objects.create_user(username="moi", password="x-123456")
    assert PersonProfile.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_profile_of_creates_a_missing_profile_once_and_caches_it(
    django_assert_num_queries,
):
    user = UserFactory(username="khong-ho-so")
    PersonProfile.objects.filter(user=user).delete()
    user = get_user_model().objects.get(pk=user.pk)
    profile = profile_of(user)
    assert profile.pk == user.pk and profile.sort_name
    with django_assert_num_queries(0):
        assert profile_of(user) is profile


@pytest.mark.django_db
def test_profile_name_is_nfc_and_keys_follow_it():
    user = UserFactory(username="nfc")
    profile_update(user=user, full_name="Nguye\u0302\u0303n  Va\u0306n An")
    stored = PersonProfile.objects.get(user=user)
    assert stored.full_name == "Nguyễn Văn An"
    assert stored.sort_name == vietnamese_sort_key("Nguyễn Văn An")
    assert stored.search_name == "nguyen van an"


def test_wagtail_users_app_is_wagtails_own_serving_our_viewset():
    users_app = apps.get_app_config("wagtailusers")
    assert users_app.name == "wagtail.users"
    assert users_app.user_viewset == "lms.people.admin_views.LmsUserViewSet"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_profile_migrations_move_person_data_and_back_without_loss():
    person = {
        "full_name": "Nguyễn Thị Ánh Tuyết",
        "phone": "0909123456",
        "student_code": "HS2023001",
        "birth_date": datetime.date(2008, 2, 29),
        "must_change_password": True,
        "sort_name": vietnamese_sort_key("Nguyễn Thị Ánh Tuyết"),
        "search_name": fold_for_search("Nguyễn Thị Ánh Tuyết"),
    }
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        old_apps = executor.loader.project_state(BEFORE).apps
        old_apps.get_model("lms_people", "User").objects.create(
            username="tuyet", password="!", **person
        )
        old_apps.get_model("lms_people", "User").objects.create(
            username="khong-ten", password="!"
        )

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new_apps = executor.loader.project_state(AFTER).apps
        Profile = new_apps.get_model("lms_people", "PersonProfile")
        moved = Profile.objects.get(user__username="tuyet")
        assert {name: getattr(moved, name) for name in person} == person
        assert Profile.objects.filter(user__username="khong-ten").exists()

        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        old_apps = executor.loader.project_state(BEFORE).apps
        back = old_apps.get_model("lms_people", "User").objects.get(username="tuyet")
        assert {name: getattr(back, name) for name in person} == person
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
