"""Open Badges 3.0: the signed credential, its status list and its checks."""

import copy
import json
import socket
from datetime import timedelta
from io import StringIO
from pathlib import Path

import jsonschema
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from pyld.jsonld import JsonLdError

from certificates import badges
from certificates.badge_models import BadgeSigningKey
from certificates.models import Certificate
from certificates.services import certificate_revoke

from .conftest import NAME

pytestmark = pytest.mark.django_db

SCHEMA = (
    Path(__file__).parent / "badge_schema" / "ob_v3p0_achievementcredential_schema.json"
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def issued(certified_course, tuyet, complete):
    course, lessons = certified_course
    tuyet.lms_profile.student_code = "HS-BI-MAT-42"
    tuyet.lms_profile.save()
    complete(tuyet, course, lessons)
    return Certificate.objects.get(holder=tuyet)


def _badge(client, certificate) -> dict:
    response = client.get(f"/certificates/verify/{certificate.code}/badge.json")
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "private, no-store"
    return json.loads(response.content)


def _verify_command(path, *args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_certificate", str(path), *args, stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def _write(tmp_path, name, data) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_badge_validates_against_the_1edtech_schema(client, issued):
    badge = _badge(client, issued)
    schema = json.loads(SCHEMA.read_text("utf-8"))
    validator = jsonschema.Draft201909Validator(
        schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )
    assert list(validator.iter_errors(badge)) == []
    assert badge["@context"] == [badges.VC_V2, badges.OB_V3]
    assert badge["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert badge["credentialStatus"]["type"] == "BitstringStatusListEntry"
    proof = badge["proof"][0]
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["verificationMethod"].startswith("did:key:z6Mk")
    assert badge["issuer"]["id"] == proof["verificationMethod"].split("#")[0]
    # The schema itself catches a broken badge (it is really in force).
    broken = copy.deepcopy(badge)
    del broken["credentialSubject"]["achievement"]["criteria"]
    assert list(validator.iter_errors(broken))


def test_badge_verifies_offline_with_the_site_keys(client, issued, tmp_path):
    badge = _badge(client, issued)
    result = badges.check_badge(badge, trusted=badges.site_trusted_keys())
    assert (result.verdict, result.holder) == ("valid", NAME)
    code, out = _verify_command(_write(tmp_path, "badge.json", badge), "--offline")
    assert code == 0, out
    assert NAME in out


@pytest.mark.parametrize(
    "change",
    [
        lambda b: b["credentialSubject"].update(name="Nguyễn Văn Giả"),
        lambda b: b["credentialSubject"]["achievement"].update(name="Khóa học khác"),
        lambda b: b.update(validFrom="2020-01-01T00:00:00Z"),
        lambda b: b["credentialStatus"].update(statusListIndex="7"),
    ],
    ids=["holder", "course", "date", "status index"],
)
def test_a_changed_field_fails_verification(client, issued, tmp_path, change):
    badge = _badge(client, issued)
    change(badge)
    result = badges.check_badge(badge, trusted=badges.site_trusted_keys())
    assert result.verdict == "tampered"
    code, out = _verify_command(_write(tmp_path, "badge.json", badge), "--offline")
    assert code == 1
    assert "chữ ký không khớp" in out.lower()


def test_the_subject_names_the_holder_as_printed_and_nothing_else(client, issued):
    badge = _badge(client, issued)
    subject = badge["credentialSubject"]
    assert set(subject) == {"type", "name", "identifier", "achievement"}
    assert subject["name"] == NAME
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "identityHash": NAME,
            "identityType": "name",
            "hashed": False,
        }
    ]
    text = json.dumps(badge, ensure_ascii=False)
    for private in ("tuyet@example.edu.vn", "example.edu.vn", "HS-BI-MAT-42", "tuyet"):
        assert private not in text.replace(NAME, "")
    for field_name in ("email", "dateOfBirth", "birthDate", "phone"):
        assert field_name not in text


def test_revocation_flips_the_status_bit_and_the_command_exits_non_zero(
    client, issued, tmp_path, admin_user
):
    badge = _badge(client, issued)
    entry = badge["credentialStatus"]
    index = int(entry["statusListIndex"])
    list_path = entry["statusListCredential"].removeprefix("http://127.0.0.1:8000")

    before = client.get(list_path)
    assert before["Cache-Control"] == "public, max-age=300"
    before = json.loads(before.content)
    trusted = badges.site_trusted_keys()
    assert badges.verify_proof(before, trusted) == badge["issuer"]["id"]
    assert not badges.bit_is_set(before["credentialSubject"]["encodedList"], index)

    certificate_revoke(certificate=issued, by=admin_user, reason="Sai tên")

    after = json.loads(client.get(list_path).content)
    assert badges.bit_is_set(after["credentialSubject"]["encodedList"], index)
    badge_path = _write(tmp_path, "badge.json", badge)
    # From the saved status list (a verifier away from the site)…
    code, out = _verify_command(
        badge_path, "--offline", "--status-list", str(_write(tmp_path, "s.json", after))
    )
    assert code == 2
    assert "đã bị thu hồi" in out
    # …the old list still says valid…
    code, _out = _verify_command(
        badge_path,
        "--offline",
        "--status-list",
        str(_write(tmp_path, "o.json", before)),
    )
    assert code == 0
    # …and on the site, the ledger answers.
    code, out = _verify_command(badge_path, "--offline")
    assert code == 2
    # No new badge for a revoked certificate.
    response = client.get(f"/certificates/verify/{issued.code}/badge.json")
    assert response.status_code == 404


def test_a_forged_status_list_is_refused(client, issued, tmp_path, admin_user):
    badge = _badge(client, issued)
    entry = badge["credentialStatus"]
    certificate_revoke(certificate=issued, by=admin_user, reason="Sai tên")
    listed = json.loads(
        client.get(
            entry["statusListCredential"].removeprefix("http://127.0.0.1:8000")
        ).content
    )
    # Someone clears the revoked bit of the list they pass along.
    listed["credentialSubject"]["encodedList"] = badges.encode_bitstring([])
    code, out = _verify_command(
        _write(tmp_path, "badge.json", badge),
        "--offline",
        "--status-list",
        str(_write(tmp_path, "s.json", listed)),
    )
    assert code == 1


def test_a_key_that_is_not_ours_is_refused_and_a_trust_file_vouches(
    client, issued, tmp_path
):
    badge = _badge(client, issued)
    badge_path = _write(tmp_path, "badge.json", badge)
    trust = tmp_path / "keys.json"
    call_command("certificate_badge_keys", "--output", str(trust), stdout=StringIO())
    published = json.loads(client.get("/certificates/badges/keys.json").content)
    assert published == json.loads(trust.read_text("utf-8"))

    # Away from the site (no keys in the database), the trust file decides.
    BadgeSigningKey.objects.all().delete()
    code, out = _verify_command(badge_path, "--offline")
    assert code == 1
    assert "không phải của chúng tôi" in out
    code, out = _verify_command(badge_path, "--offline", "--trust", str(trust))
    assert code == 0, out

    # A stranger's key, however well it signs, is not trusted.
    stranger = BadgeSigningKey.objects.create(
        public_key_multibase=badges.public_key_multibase(
            (private := Ed25519PrivateKey.generate()).public_key()
        ),
        sealed_private_key=badges.keystore.seal(private),
    )
    forged = copy.deepcopy(badge)
    forged["issuer"]["id"] = badges.did_key(stranger.public_key_multibase)
    forged = badges.sign(forged, stranger)
    stranger.delete()
    code, _out = _verify_command(
        _write(tmp_path, "forged.json", forged), "--offline", "--trust", str(trust)
    )
    assert code == 1


def test_the_key_is_stored_sealed_and_rotation_keeps_old_badges_valid(client, issued):
    badge = _badge(client, issued)
    key = BadgeSigningKey.objects.get(active=True)
    assert bytes(key.sealed_private_key).startswith(
        b"-----BEGIN ENCRYPTED PRIVATE KEY-----"
    )
    call_command("certificate_badge_keys", "--rotate", stdout=StringIO())
    assert BadgeSigningKey.objects.filter(active=True).count() == 1
    old = BadgeSigningKey.objects.get(pk=key.pk)
    assert old.retired_at is not None
    trusted = badges.site_trusted_keys()
    assert badges.check_badge(badge, trusted=trusted).verdict == "valid"
    new_badge = _badge(client, issued)
    assert new_badge["issuer"]["id"] != badge["issuer"]["id"]
    assert badges.check_badge(new_badge, trusted=trusted).verdict == "valid"
    # The retired key signing anew is refused.
    BadgeSigningKey.objects.filter(pk=old.pk).update(
        retired_at=timezone.now() - timedelta(hours=1)
    )
    late = badges.sign(copy.deepcopy(badge), BadgeSigningKey.objects.get(pk=old.pk))
    assert (
        badges.check_badge(late, trusted=badges.site_trusted_keys()).verdict
        == "untrusted"
    )


def test_the_document_loader_never_reaches_the_network(client, issued, monkeypatch):
    badge = _badge(client, issued)

    def no_network(*args, **kwargs):
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    assert badges.canonical_nquads({k: v for k, v in badge.items() if k != "proof"})
    assert badges.check_badge(badge, trusted=badges.site_trusted_keys()).verdict == (
        "valid"
    )
    with pytest.raises(JsonLdError):
        badges.document_loader("https://www.w3.org/2018/credentials/v1")
    extra = copy.deepcopy(badge)
    extra["@context"].append("https://example.org/more-terms.jsonld")
    result = badges.check_badge(extra, trusted=badges.site_trusted_keys())
    assert result.verdict == "unreadable"


def test_verify_page_links_the_badge_of_a_valid_certificate_only(
    client, issued, admin_user
):
    html = client.get(f"/certificates/verify/{issued.code}/").content.decode()
    assert "Tải chứng nhận số (Open Badges)" in html
    assert f"/certificates/verify/{issued.code}/badge.json" in html
    certificate_revoke(certificate=issued, by=admin_user, reason="Sai tên")
    html = client.get(f"/certificates/verify/{issued.code}/").content.decode()
    assert "Open Badges)" not in html


def test_the_upload_check_reads_a_badge_in_vietnamese(client, issued, admin_user):
    badge = _badge(client, issued)

    def upload(data: dict):
        return client.post(
            "/certificates/verify/",
            {
                "kind": "badge",
                "badge-file": SimpleUploadedFile(
                    "badge.json",
                    json.dumps(data).encode(),
                    content_type="application/json",
                ),
            },
        ).content.decode()

    html = upload(badge)
    assert "Chữ ký hợp lệ và chứng nhận chưa bị thu hồi." in html
    assert NAME in html
    changed = copy.deepcopy(badge)
    changed["credentialSubject"]["name"] = "Nguyễn Văn Giả"
    assert "Chữ ký không khớp" in upload(changed)
    certificate_revoke(certificate=issued, by=admin_user, reason="Sai tên")
    assert "Chữ ký hợp lệ, nhưng chứng nhận đã bị thu hồi." in upload(badge)
    not_a_badge = client.post(
        "/certificates/verify/",
        {"kind": "badge", "badge-file": SimpleUploadedFile("x.json", b"%PDF-1.7")},
    ).content.decode()
    assert "Tệp này không phải là chứng nhận số Open Badges." in not_a_badge


def test_multibase_keys_match_the_w3c_eddsa_example():
    # The key pair of the W3C vc-di-eddsa examples: secret key as multicodec
    # ed25519-priv (0x8026) in base58btc, and its public Multikey.
    secret = badges.b58decode("3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
    assert secret[:2] == b"\x80\x26"
    private = Ed25519PrivateKey.from_private_bytes(secret[2:])
    public = badges.public_key_multibase(private.public_key())
    assert public == "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    assert badges.b58encode(b"\0\0\x01") == "112"
    assert badges.b58decode("112") == b"\0\0\x01"


@pytest.mark.parametrize(
    "change",
    [
        # A crowd of alike blank nodes: canonicalising it would take forever.
        lambda b: b["credentialSubject"].update(
            evidence=[{"type": "Evidence"} for _ in range(40)]
        ),
        # A blank node named by the document can tie nodes into cycles.
        lambda b: b["credentialSubject"].update(id="_:b0"),
        # A context of its own could rename "id"; only the shipped ones count.
        lambda b: b["@context"].append({"x": "@id"}),
        lambda b: b["credentialSubject"].update(**{"@context": {"x": "@id"}}),
    ],
    ids=["many blank nodes", "named blank node", "inline context", "nested context"],
)
def test_a_badge_too_costly_to_canonicalise_is_refused_unhashed(
    client, issued, monkeypatch, change
):
    badge = _badge(client, issued)
    change(badge)

    def never(document):
        raise AssertionError("canonicalised a hostile badge")

    monkeypatch.setattr(badges, "canonical_nquads", never)
    result = badges.check_badge(badge, trusted=badges.site_trusted_keys())
    assert result.verdict == "unreadable"
