"""The demo is course packs: seed_demo imports them and builds the same demo."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command

from courses.models import CoursePage
from courses.packs.demo import DEMO_PACKS, LIBRARY, demo_catalogues
from courses.packs.services import export_course

pytestmark = pytest.mark.django_db


def _folder_entries(folder) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and path.name != "manifest.json"
    }


def test_seed_demo_builds_the_same_demo_from_the_packs():
    call_command("seed_demo", verbosity=0)

    catalogues = demo_catalogues()
    assert set(catalogues) >= {LIBRARY, "DEMO", "BINHMINH"}
    for owner, spec in catalogues.items():
        for slug in spec["courses"]:
            folder = DEMO_PACKS / owner / slug
            manifest = json.loads((folder / "manifest.json").read_text())
            course = CoursePage.objects.get(pack_id=manifest["id"])
            assert course.slug == slug and course.get_parent().slug == spec["slug"]
            with zipfile.ZipFile(io.BytesIO(export_course(course))) as archive:
                exported = {
                    name: archive.read(name)
                    for name in archive.namelist()
                    if name != "manifest.json"
                }
            assert exported == _folder_entries(folder), f"{owner}/{slug}"
