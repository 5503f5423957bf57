"""seed_demo in a database that is not its own: refuse, or add without touching."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from wagtail.models import Page, Site

from lms.home.models import DemoRecord, HomePage
from lms.people.models import Membership, User
from tests.people.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE_PASSWORD = "Site-own-pass-1"  # noqa: S105 - test data


@pytest.fixture
def site_of_its_own():
    """A site in use: its own superuser `admin` and its own home page."""
    admin = UserFactory(
        username="admin",
        email="hieutruong@truong.edu.vn",
        is_superuser=True,
        is_staff=True,
        password=SITE_PASSWORD,
    )
    root = Page.get_first_root_node()
    for placeholder in root.get_children():
        placeholder.delete()
    page = root.add_child(instance=Page(title="Trang của trường", slug="home"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": page},
    )
    return admin, page


def _seed(*args):
    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", "--password", "Demo-pass-1", *args, stdout=out)
    return out.getvalue()


def _counts():
    return (User.objects.count(), Page.objects.count(), DemoRecord.objects.count())


def test_seed_demo_refuses_a_database_with_accounts_and_pages_it_did_not_create(
    site_of_its_own,
):
    before = _counts()
    with pytest.raises(CommandError) as refused:
        _seed()
    message = str(refused.value)
    assert "admin" in message and "Trang của trường" in message
    assert "--force" in message
    assert _counts() == before
    assert not HomePage.objects.exists()


def test_forced_seed_demo_adds_the_demo_and_never_changes_a_site_account(
    site_of_its_own,
):
    admin, page = site_of_its_own
    output = _seed("--force")

    admin.refresh_from_db()
    assert admin.check_password(SITE_PASSWORD)
    assert not admin.check_password("Demo-pass-1")
    assert admin.email == "hieutruong@truong.edu.vn"
    assert not Membership.objects.filter(user=admin).exists()
    assert "Skipped admin" in output
    assert User.objects.get(username="teacher").check_password("Demo-pass-1")
    # The site keeps showing its own page; the demo's home sits beside it.
    assert Site.objects.get(is_default_site=True).root_page_id == page.pk
    home = HomePage.objects.get()
    assert home.slug != "home" and home.slug in output
    assert not DemoRecord.objects.filter(object_id=str(admin.pk)).exists()

    counts = _counts()
    _seed("--force")
    assert _counts() == counts


def test_seed_demo_changes_nothing_when_it_fails_part_way(monkeypatch):
    from lms.home.management.commands import seed_demo

    def broken_home():
        raise RuntimeError("home page slug taken")

    monkeypatch.setattr(seed_demo, "seed_home", broken_home)
    before = _counts()
    with pytest.raises(RuntimeError):
        _seed()
    assert _counts() == before


def test_seed_demo_runs_again_on_its_own_data_without_force():
    _seed()
    counts = _counts()
    _seed()
    assert _counts() == counts


def test_a_demo_seeded_before_records_existed_is_recognised_as_the_demos():
    _seed()
    counts = _counts()
    DemoRecord.objects.all().delete()
    _seed()
    assert _counts() == counts


def test_seed_demo_refusal_speaks_vietnamese_by_default(site_of_its_own):
    with translation.override("vi"), pytest.raises(CommandError) as refused:
        call_command("seed_demo", stdout=StringIO())
    assert "không do dữ liệu mẫu tạo ra" in str(refused.value)
    assert "admin" in str(refused.value)
