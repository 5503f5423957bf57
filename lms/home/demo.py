"""The demo's home page, and which accounts and pages the demo owns.

`seed_demo` records what it creates in `DemoRecord`; on a later run it reuses
those and nothing else, so a site's own accounts and pages are never changed.
"""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, Site

from .models import DemoRecord, HomePage

HOME_BODY = [
    ("heading", {"text": "Học để làm chủ không gian mạng", "level": "h2"}),
    (
        "paragraph",
        "<p>Chương trình giúp học sinh, giáo viên và cộng tác viên hiểu "
        "<b>Luật An ninh mạng</b> (Luật số 116/2025/QH15), biết ứng xử văn minh "
        "trên mạng xã hội, bảo vệ thông tin cá nhân và phòng tránh lừa đảo, bắt nạt "
        "trực tuyến.</p>"
        "<p>Mỗi khóa học gồm các bài học ngắn đọc được trên điện thoại, một bài kiểm "
        "tra cuối khóa và giấy chứng nhận có mã xác thực.</p>",
    ),
]
HOME_TITLE = "Công dân số – Học tập an toàn trên không gian mạng"
HOME_SLUGS = ("home", "lms-demo")  # the first one free under the root
# Marks a database seeded before DemoRecord existed (see demo_records_adopt).
EARLIER_DEMO_DEPARTMENT = "so-gddt-demo"
EARLIER_DEMO_ADMIN_EMAIL = "admin@example.edu.vn"
# The title of the page Wagtail's first migration puts under the root.
WAGTAIL_PLACEHOLDER_TITLE = "Welcome to your new Wagtail site!"


def demo_record(obj) -> None:
    DemoRecord.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
    )


def _recorded_ids(model) -> list[str]:
    return list(
        DemoRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(
                model, for_concrete_model=False
            )
        ).values_list("object_id", flat=True)
    )


def demo_home() -> HomePage | None:
    return HomePage.objects.filter(pk__in=_recorded_ids(HomePage)).first()


def _is_wagtail_placeholder(page: Page) -> bool:
    """The welcome page Wagtail's first migration creates, as it came."""
    return (
        page.depth == 2
        and page.specific_class is Page
        and page.numchild == 0
        and (page.slug, page.title) == ("home", WAGTAIL_PLACEHOLDER_TITLE)
    )


def site_content_not_from_demo() -> tuple[list[str], list[str]]:
    """Usernames and page titles in this database that the demo did not create."""
    User = get_user_model()
    users = (
        User.objects.exclude(pk__in=_recorded_ids(User))
        .order_by(User.USERNAME_FIELD)
        .values_list(User.USERNAME_FIELD, flat=True)
    )
    pages = Page.objects.filter(depth__gt=1).order_by("path")
    home = demo_home()
    if home is not None:
        pages = pages.exclude(path__startswith=home.path)
    titles = [page.title for page in pages if not _is_wagtail_placeholder(page)]
    return list(users), titles


def demo_records_adopt() -> None:
    """Record the accounts and home page of a demo seeded before DemoRecord.

    Only in a database the demo filled earlier: it has the demo Department
    (a model of ours, so a host adopting the add-on has none) and no record
    yet. The demo's people are those with a role there and the parents of
    its schools' children; its admin, who has none, is known by the demo
    address.
    """
    from lms.people.models import Department, Guardian, Membership

    if DemoRecord.objects.exists():
        return
    department = Department.objects.filter(code=EARLIER_DEMO_DEPARTMENT).first()
    if department is None:
        return
    User = get_user_model()
    members = Membership.objects.filter(department=department) | (
        Membership.objects.filter(school__department=department)
    )
    parents = Guardian.objects.filter(school__department=department)
    users = (
        User.objects.filter(pk__in=members.values("user"))
        | User.objects.filter(pk__in=parents.values("user"))
        | User.objects.filter(email=EARLIER_DEMO_ADMIN_EMAIL)
    )
    for user in users.distinct():
        demo_record(user)
    for home in HomePage.objects.filter(depth=2, slug__in=HOME_SLUGS):
        demo_record(home)


def seed_home() -> HomePage:
    """The demo's home page; it becomes the default site's root unless the
    site already shows a page of its own."""
    home = demo_home()
    root = Page.get_first_root_node()
    if home is None:
        placeholder = root.get_children().filter(slug="home").first()
        if placeholder is not None and _is_wagtail_placeholder(placeholder):
            Site.objects.filter(root_page=placeholder).update(root_page=root)
            placeholder.delete()
        taken = set(root.get_children().values_list("slug", flat=True))
        candidates = itertools.chain(
            HOME_SLUGS, (f"{HOME_SLUGS[-1]}-{n}" for n in itertools.count(2))
        )
        slug = next(slug for slug in candidates if slug not in taken)
        home = HomePage(title=HOME_TITLE, slug=slug, body=HOME_BODY)
        root.add_child(instance=home)
        home.save_revision().publish()
        demo_record(home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Công dân số",
        )
    elif site.root_page_id == root.pk:
        site.root_page = home
        site.save()
    return home
