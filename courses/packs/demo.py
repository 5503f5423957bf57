"""The demo courses are course packs kept in the repository (courses/demo_packs/):
`library/<course slug>/` for the Department library's courses and
`<school code>/<course slug>/` for a school's own. `seed_demo` imports them;
docs/course-packs.md says how to change them."""

from functools import cache
from pathlib import Path

import yaml

from ..models import CourseIndexPage, CoursePage
from .services import import_course, read_pack

DEMO_PACKS = Path(__file__).resolve().parent.parent / "demo_packs"
LIBRARY = "library"
# Each owner's catalogue (slug, title, intro) and its courses in order.
CATALOGUES = "catalogues.yaml"


@cache
def demo_catalogues() -> dict:
    """{owner: {slug, title, intro, courses: [course slug, ...]}}; owner is
    "library" or a school code."""
    path = DEMO_PACKS / CATALOGUES
    if not path.is_file():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def demo_pack_folders(owner: str) -> list[Path]:
    """The pack folders of `owner` ("library" or a school code), in the
    catalogue's order."""
    slugs = demo_catalogues().get(owner, {}).get("courses", [])
    return [DEMO_PACKS / owner / slug for slug in slugs]


def import_demo_packs(
    *, catalogue: CourseIndexPage, owner: str, slugs: list[str] | None = None
) -> list[CoursePage]:
    """Import each demo pack of `owner` (or those of `slugs`) into `catalogue`,
    unless the course it made is already there (idempotent: a second run
    changes nothing)."""
    courses = []
    for folder in demo_pack_folders(owner):
        if slugs is not None and folder.name not in slugs:
            continue
        pack = read_pack(folder)
        course = (
            CoursePage.objects.child_of(catalogue).filter(pack_id=pack.pack_id).first()
        )
        if course is None:
            course = import_course(pack, catalogue=catalogue).course
        courses.append(course.specific)
    return courses
