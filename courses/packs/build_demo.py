"""Write the demo course packs (courses/demo_packs/) from the demo's Python
content, once: seeds the old way into a scratch SQLite database, then exports
each demo course as a folder. Run from the repository:

    python -m courses.packs.build_demo [--output DIR]

It never touches the site's own database or media (both are temporary).
"""

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path


def _setup(scratch: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'demo.sqlite3'}"
    os.environ.pop("DATABASE_REPLICA_URL", None)
    import django
    from django.conf import settings

    django.setup()
    settings.MEDIA_ROOT = str(scratch / "media")


def build(output: Path) -> list[Path]:
    """Seed the demo from Python into the (scratch) database; export each
    demo course under `output`. Returns the folders written."""
    from django.core.management import call_command

    from certificates.demo import seed_certificate_settings
    from courses.demo import LIBRARY_CATALOGUE, seed_courses
    from courses.demo_content import COURSES
    from courses.demo_school_content import SCHOOL_CATALOGUES
    from lms.home.demo import seed_home
    from lms.people.demo import seed_organisation
    from quizzes.demo import seed_quizzes

    from .container import yaml_dump
    from .demo import CATALOGUES, LIBRARY
    from .services import export_course_folder

    call_command("migrate", verbosity=0)
    org = seed_organisation()
    home = seed_home()
    owned = {LIBRARY: seed_courses(home=home, courses=COURSES)}
    seed_quizzes(courses=owned[LIBRARY])
    for code, spec in SCHOOL_CATALOGUES.items():
        school = org.schools[code].school
        owned[code] = seed_courses(
            home=home, courses=spec["courses"], school=school, catalogue=spec
        )
        seed_quizzes(courses=owned[code], school=school, draw=5)
    seed_certificate_settings(courses=[c for cs in owned.values() for c in cs])
    catalogues = {LIBRARY: dict(LIBRARY_CATALOGUE)}
    for code, spec in SCHOOL_CATALOGUES.items():
        catalogues[code] = {k: spec[k] for k in ("slug", "title", "intro")}
    for owner, courses in owned.items():
        catalogues[owner]["courses"] = [course.slug for course in courses]
    output.mkdir(parents=True, exist_ok=True)
    (output / CATALOGUES).write_text(yaml_dump(catalogues), encoding="utf-8")
    written = []
    for owner, courses in owned.items():
        for course in courses:
            # A stable identifier: loading a newer demo updates the course
            # an older one made.
            course.pack_id = f"demo-{course.slug}"
            course.save(update_fields=["pack_id"])
            folder = output / owner / course.slug
            if folder.exists():
                shutil.rmtree(folder)
            written.append(
                export_course_folder(
                    course, folder, source={"site": "demo"}, checksums=False
                )
            )
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--output",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "demo_packs",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lms-demo-packs-") as scratch:
        _setup(Path(scratch))
        for folder in build(args.output.resolve()):
            print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
