"""The pack container refuses hostile or broken archives, naming the entry."""

import io
import json
import stat
import zipfile

import pytest

from courses.packs import container
from courses.packs.container import PackError, PackReader, PackWriter


def _pack(**entries) -> bytes:
    writer = PackWriter()
    writer.add_yaml("course.yaml", {"title": "Khóa học", "slug": "khoa-hoc"})
    for name, data in entries.items():
        writer.add_bytes(name, data)
    return writer.finish(pack_id="p-1", title="Khóa học", source={"site": "test"})


def _raw_zip(entries: dict[str, bytes], manifest: dict | None = None, **infos) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if manifest is not False:
            archive.writestr(
                "manifest.json",
                json.dumps(
                    manifest
                    or {"format": container.FORMAT, "format_version": 1, "id": "p-1"}
                ),
            )
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = infos.get(name, (stat.S_IFREG | 0o644) << 16)
            archive.writestr(info, data)
    return buffer.getvalue()


def test_a_written_pack_reads_back_with_its_checksums():
    reader = PackReader.open(_pack(**{"files/images/a.png": b"png"}))
    assert reader.pack_id == "p-1"
    assert reader.yaml("course.yaml") == {"title": "Khóa học", "slug": "khoa-hoc"}
    assert reader.bytes("files/images/a.png") == b"png"
    assert set(reader.manifest["files"]) == {"course.yaml", "files/images/a.png"}


def test_the_same_entries_give_the_same_bytes():
    assert _pack() == _pack()


def test_a_media_file_is_stored_once_and_names_never_collide():
    writer = PackWriter()
    first = writer.add_file("images", "Ảnh bìa.PNG", b"one")
    assert writer.add_file("images", "other.png", b"one") == first
    second = writer.add_file("images", "Ảnh bìa.PNG", b"two")
    assert first != second
    assert first.startswith("files/images/") and first.endswith(".png")


@pytest.mark.parametrize(
    "name",
    [
        "../evil.yaml",
        "lessons/../../evil.yaml",
        "/etc/passwd",
        "lessons\\..\\evil.yaml",
        "lessons//x.yaml",
        "secrets.txt",
        "static/x.js",
        "lessons/./x.yaml",
    ],
)
def test_a_name_outside_the_pack_is_refused(name):
    with pytest.raises(PackError) as raised:
        PackReader.open(_raw_zip({name: b"x"}))
    assert raised.value.entry == name


def test_a_link_is_refused():
    name = "files/images/link.png"
    data = _raw_zip({name: b"/etc/passwd"}, **{name: (stat.S_IFLNK | 0o777) << 16})
    with pytest.raises(PackError) as raised:
        PackReader.open(data)
    assert raised.value.entry == name


def test_a_zip_bomb_is_refused_before_it_is_expanded():
    name = "files/documents/bomb.pdf"
    with pytest.raises(PackError) as raised:
        PackReader.open(_raw_zip({name: b"\0" * (8 * 1024 * 1024)}))
    assert raised.value.entry == name
    assert "hostile" in raised.value.message or "quá" in raised.value.message


def test_an_oversized_file_is_refused(monkeypatch):
    monkeypatch.setattr(container, "MAX_ENTRY_BYTES", 200)
    with pytest.raises(PackError) as raised:
        PackReader.open(_raw_zip({"course.yaml": b"x" * 201}))
    assert raised.value.entry == "course.yaml"


def test_a_pack_too_large_in_all_is_refused(monkeypatch):
    monkeypatch.setattr(container, "MAX_TOTAL_BYTES", 250)
    with pytest.raises(PackError) as raised:
        PackReader.open(
            _raw_zip({"lessons/01-a.yaml": b"x" * 100, "lessons/02-b.yaml": b"y" * 100})
        )
    assert raised.value.entry == "lessons/02-b.yaml"


def test_a_changed_file_fails_its_checksum():
    data = _pack(**{"lessons/01-a.yaml": b"title: A\n"})
    archive = zipfile.ZipFile(io.BytesIO(data))
    entries = {name: archive.read(name) for name in archive.namelist()}
    entries["lessons/01-a.yaml"] = b"title: B\n"
    manifest = json.loads(entries.pop("manifest.json"))
    with pytest.raises(PackError) as raised:
        PackReader.open(_raw_zip(entries, manifest=manifest))
    assert raised.value.entry == "lessons/01-a.yaml"


def test_a_file_the_manifest_does_not_list_is_refused():
    data = _pack()
    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(archive.read("manifest.json"))
    entries = {"course.yaml": archive.read("course.yaml"), "legal.yaml": b"{}"}
    with pytest.raises(PackError) as raised:
        PackReader.open(_raw_zip(entries, manifest=manifest))
    assert raised.value.entry == "legal.yaml"


def test_a_hand_written_pack_may_omit_checksums():
    reader = PackReader.open(_raw_zip({"course.yaml": b"title: A\n"}))
    assert reader.yaml("course.yaml") == {"title": "A"}


@pytest.mark.parametrize(
    "manifest",
    [
        False,
        {"format": "something-else", "format_version": 1, "id": "x"},
        {"format": container.FORMAT, "format_version": 2, "id": "x"},
        {"format": container.FORMAT, "format_version": 1, "id": ""},
    ],
)
def test_a_missing_or_foreign_manifest_is_refused(manifest):
    with pytest.raises(PackError) as raised:
        PackReader.open(_raw_zip({"course.yaml": b"title: A\n"}, manifest=manifest))
    assert raised.value.entry == "manifest.json"


def test_a_file_that_is_not_a_zip_is_refused():
    with pytest.raises(PackError):
        PackReader.open(b"not a zip at all")


def test_broken_yaml_names_the_line():
    reader = PackReader.open(_raw_zip({"course.yaml": b"title: A\n  - : [\n"}))
    with pytest.raises(PackError) as raised:
        reader.yaml("course.yaml")
    assert raised.value.entry == "course.yaml"


def test_a_folder_pack_refuses_links(tmp_path):
    (tmp_path / "manifest.json").write_text(
        json.dumps({"format": container.FORMAT, "format_version": 1, "id": "p"})
    )
    (tmp_path / "course.yaml").write_text("title: A\n")
    assert PackReader.open(tmp_path).yaml("course.yaml") == {"title": "A"}
    (tmp_path / "legal.yaml").symlink_to("/etc/passwd")
    with pytest.raises(PackError) as raised:
        PackReader.open(tmp_path)
    assert raised.value.entry == "legal.yaml"
