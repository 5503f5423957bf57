"""Open Badges 3.0 credentials for certificates, and their revocation list.

A valid certificate can be downloaded as an ``OpenBadgeCredential`` (W3C
Verifiable Credentials 2.0 with the Open Badges 3.0 context), signed with a
Data Integrity proof of the ``eddsa-rdfc-2022`` cryptosuite:

* the credential without its proof, and the proof options (with the
  credential's ``@context``), are each canonicalised with RDFC-1.0 (PyLD's
  URDNA2015) and hashed with SHA-256;
* the two hashes (options first) are signed with the issuer's Ed25519 key;
* the signature goes into ``proofValue`` as multibase base58btc ("z…").

The issuer is the platform (one key, ``did:key:z6Mk…``, named by the
``LMS_BADGE_ISSUER_NAME`` setting): schools do not hold keys of their own,
and a verifier checks that the issuer's identifier is the key's controller.
The school is named in the credential's description.

Revocation: each certificate has a bit in a ``BitstringStatusListCredential``
(list ``pk // 131072``, index ``pk % 131072``), served signed the same way and
computed from the ledger at every request, so the bit flips when the
certificate is revoked or replaced.

JSON-LD contexts are never fetched: ``document_loader`` serves the copies in
``badge_contexts/`` and refuses any other address.
"""

import base64
import copy
import gzip
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms import conf

from . import keystore
from .badge_models import BadgeSigningKey
from .models import Certificate, CertificateStatus

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

# PyLD and the `cryptography` primitives are imported where they are used: a
# web process that never signs or checks a badge does not hold them (~12 MB).

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
    "ob_v3p0_achievementcredential_schema.json"
)
CONTEXT_DIR = Path(__file__).resolve().parent / "badge_contexts"
CONTEXT_FILES = {
    VC_V2: "credentials-v2.jsonld",
    OB_V3: "ob-v3p0-context-3.0.3.json",
}
CRYPTOSUITE = "eddsa-rdfc-2022"
STATUS_LIST_SIZE = 131072  # bits per list: 16 KiB, the minimum the spec asks
ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub, as a varint
TRUST_FILE_TYPE = "lms-open-badges-trust"


# --- Contexts, offline -----------------------------------------------------


@cache
def _context(url: str) -> dict:
    return json.loads((CONTEXT_DIR / CONTEXT_FILES[url]).read_text("utf-8"))


def document_loader(url: str, options=None) -> dict:
    """PyLD's document loader: the vendored contexts only, never the network."""
    from pyld.jsonld import JsonLdError

    if url not in CONTEXT_FILES:
        raise JsonLdError(
            "Only the contexts shipped with the add-on are loaded.",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        )
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": copy.deepcopy(_context(url)),
    }


# RDF canonicalisation takes exponential time on crafted graphs of many alike
# blank nodes ("poison graphs"), and a badge is checked on a public page. The
# badges this site issues carry at most four blank nodes, name none of them
# and use only the shipped contexts, so anything else is refused before it
# is canonicalised.
MAX_BLANK_NODES = 8


def _blank_nodes(value, top: bool = True) -> int:
    """How many blank nodes `value` holds (more than the limit when it names
    one, or brings a context of its own, which could rename "id")."""
    if isinstance(value, list):
        return sum(_blank_nodes(item, top=False) for item in value)
    if not isinstance(value, dict):
        return 0
    if "@context" in value and not top:
        return MAX_BLANK_NODES + 1
    ident = value.get("id", value.get("@id"))
    if isinstance(ident, str) and ident.startswith("_:"):
        return MAX_BLANK_NODES + 1
    own = 0 if isinstance(ident, str) and ident else 1
    return own + sum(
        _blank_nodes(item, top=False)
        for key, item in value.items()
        if key != "@context"
    )


def _graph_is_cheap(document: dict) -> bool:
    contexts = document.get("@context")
    return (
        isinstance(contexts, list)
        and all(isinstance(url, str) and url in CONTEXT_FILES for url in contexts)
        and _blank_nodes(document) <= MAX_BLANK_NODES
    )


def canonical_nquads(document: dict) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of a JSON-LD document."""
    from pyld import jsonld

    return jsonld.normalize(
        document,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": document_loader,
        },
    )


# --- Multibase and did:key ------------------------------------------------

B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, rest = divmod(number, 58)
        digits.append(B58_ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(digits))


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        position = B58_ALPHABET.find(char)
        if position < 0:
            raise ValueError("not base58btc")
        number = number * 58 + position
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def public_key_multibase(public_key: "Ed25519PublicKey") -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + b58encode(ED25519_PUB_PREFIX + raw)


def public_key_from_multibase(value: str) -> "Ed25519PublicKey":
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if not value.startswith("z"):
        raise ValueError("not a base58btc multibase value")
    raw = b58decode(value[1:])
    if len(raw) != 34 or not raw.startswith(ED25519_PUB_PREFIX):
        raise ValueError("not an Ed25519 public key")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def did_key(multibase: str) -> str:
    return f"did:key:{multibase}"


def verification_method(multibase: str) -> str:
    return f"did:key:{multibase}#{multibase}"


# --- The issuer's key -----------------------------------------------------


def active_key() -> BadgeSigningKey:
    """The active signing key, created (sealed) on first use."""
    key = BadgeSigningKey.objects.filter(active=True).first()
    if key is not None:
        return key
    return create_key()


def create_key() -> BadgeSigningKey:
    """A new Ed25519 key, sealed; it becomes the active one if none is."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    try:
        with transaction.atomic():
            return BadgeSigningKey.objects.create(
                public_key_multibase=public_key_multibase(private.public_key()),
                sealed_private_key=keystore.seal(private),
            )
    except IntegrityError:  # another process created the active key first
        return BadgeSigningKey.objects.get(active=True)


def rotate_key() -> BadgeSigningKey:
    """Retire the active key (still trusted for what it signed); make a new one."""
    with transaction.atomic():
        BadgeSigningKey.objects.filter(active=True).update(
            active=False, retired_at=timezone.now()
        )
        return create_key()


def trust_document() -> dict:
    """The issuer's keys, as published and exported for offline verifiers."""
    return {
        "type": TRUST_FILE_TYPE,
        "issuer": issuer_name(),
        "site": conf.site_url(),
        "keys": [
            {
                "id": did_key(key.public_key_multibase),
                "created": _iso(key.created_at),
                "retired": _iso(key.retired_at) if key.retired_at else None,
            }
            for key in BadgeSigningKey.objects.order_by("created_at")
        ],
    }


def site_trusted_keys() -> dict:
    """{did: retired_at or None} for every key this site ever used."""
    return {
        did_key(key.public_key_multibase): key.retired_at
        for key in BadgeSigningKey.objects.all()
    }


def trusted_keys_from_file(path: Path) -> dict:
    data = json.loads(Path(path).read_text("utf-8"))
    if data.get("type") != TRUST_FILE_TYPE:
        raise ValueError("not a trust file")
    return {
        entry["id"]: (
            datetime.fromisoformat(entry["retired"].replace("Z", "+00:00"))
            if entry.get("retired")
            else None
        )
        for entry in data.get("keys", [])
    }


# --- Signing and verifying -------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hash_data(unsecured: dict, proof_options: dict) -> bytes:
    options = {k: v for k, v in proof_options.items() if k != "proofValue"}
    options["@context"] = unsecured["@context"]
    return (
        hashlib.sha256(canonical_nquads(options).encode()).digest()
        + hashlib.sha256(canonical_nquads(unsecured).encode()).digest()
    )


def sign(document: dict, key: BadgeSigningKey | None = None) -> dict:
    """`document` with a DataIntegrityProof (eddsa-rdfc-2022) in a list."""
    key = key or active_key()
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": _iso(timezone.now()),
        "verificationMethod": verification_method(key.public_key_multibase),
        "proofPurpose": "assertionMethod",
    }
    private = keystore.unseal(key.sealed_private_key)
    signature = private.sign(_hash_data(unsecured, proof))
    proof["proofValue"] = "z" + b58encode(signature)
    return {**unsecured, "proof": [proof]}


class BadgeInvalid(Exception):
    """The credential is not ours, not intact or not readable; `code` says which."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _issuer_id(document: dict) -> str | None:
    issuer = document.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def verify_proof(document: dict, trusted: dict) -> str:
    """Check the proof of `document`; return the issuer's did:key.

    `trusted` maps the dids we accept to their retirement time (or None).
    Raises BadgeInvalid("unreadable" | "tampered" | "untrusted").
    """
    from cryptography.exceptions import InvalidSignature
    from pyld.jsonld import JsonLdError

    if not isinstance(document, dict) or not isinstance(document.get("@context"), list):
        raise BadgeInvalid("unreadable", _("This is not a verifiable credential."))
    proofs = document.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs]
    if len(proofs) != 1 or not isinstance(proofs[0], dict):
        raise BadgeInvalid("unreadable", _("The credential must carry one proof."))
    proof = proofs[0]
    if (
        proof.get("type") != "DataIntegrityProof"
        or proof.get("cryptosuite") != CRYPTOSUITE
        or proof.get("proofPurpose") != "assertionMethod"
    ):
        raise BadgeInvalid(
            "unreadable", _("The proof is not of a kind this site issues.")
        )
    method = str(proof.get("verificationMethod", ""))
    did, _hash, fragment = method.partition("#")
    multibase = did.removeprefix("did:key:")
    if not did.startswith("did:key:") or fragment != multibase:
        raise BadgeInvalid("untrusted", _("The signing key is not one of ours."))
    if _issuer_id(document) != did:
        raise BadgeInvalid("tampered", _("The issuer does not match the signing key."))
    if not _graph_is_cheap(document) or _blank_nodes(proof) > MAX_BLANK_NODES:
        raise BadgeInvalid(
            "unreadable",
            _("The credential is not shaped like the ones this site issues."),
        )
    try:
        public = public_key_from_multibase(multibase)
        signature = b58decode(str(proof.get("proofValue", "")).removeprefix("z"))
        unsecured = {k: v for k, v in document.items() if k != "proof"}
        public.verify(signature, _hash_data(unsecured, proof))
    except (InvalidSignature, ValueError):
        raise BadgeInvalid(
            "tampered",
            _("The signature does not match: the file was changed after signing."),
        ) from None
    except JsonLdError:
        raise BadgeInvalid(
            "unreadable",
            _("The credential uses contexts this site does not know."),
        ) from None
    if did not in trusted:
        raise BadgeInvalid("untrusted", _("The signing key is not one of ours."))
    retired = trusted[did]
    created = str(proof.get("created", ""))
    if retired is not None:
        try:
            signed_at = datetime.fromisoformat(created.replace("Z", "+00:00"))
        except ValueError:
            signed_at = None
        if signed_at is None or signed_at > retired:
            raise BadgeInvalid(
                "untrusted", _("It was signed with a key after that key was retired.")
            )
    return did


# --- Status list ------------------------------------------------------------


def status_position(certificate_pk: int) -> tuple[int, int]:
    return divmod(certificate_pk, STATUS_LIST_SIZE)


def status_list_url(number: int) -> str:
    return conf.site_url() + reverse(
        "lms_certificates:badge_status_list", args=[number]
    )


def _unset_indexes(number: int) -> list[int]:
    """Certificates of list `number` that no longer stand (revoked, replaced)."""
    first = number * STATUS_LIST_SIZE
    return [
        pk - first
        for pk in Certificate.objects.filter(
            pk__gte=first, pk__lt=first + STATUS_LIST_SIZE
        )
        .exclude(status=CertificateStatus.VALID)
        .values_list("pk", flat=True)
    ]


def encode_bitstring(indexes) -> str:
    bits = bytearray(STATUS_LIST_SIZE // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)  # index 0 is the leftmost bit
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def bit_is_set(encoded_list: str, index: int) -> bool:
    if not encoded_list.startswith("u"):
        raise ValueError("not base64url multibase")
    body = encoded_list[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    if not 0 <= index < len(bits) * 8:
        raise ValueError("index outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(number: int) -> dict:
    url = status_list_url(number)
    key = active_key()
    now = timezone.now()
    return sign(
        {
            "@context": [VC_V2],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": did_key(key.public_key_multibase),
            "validFrom": _iso(now),
            "validUntil": _iso(now + timedelta(days=1)),
            "credentialSubject": {
                "id": f"{url}#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": encode_bitstring(_unset_indexes(number)),
            },
        },
        key,
    )


# --- The credential ---------------------------------------------------------


def issuer_name() -> str:
    return getattr(settings, "LMS_BADGE_ISSUER_NAME", "") or settings.WAGTAIL_SITE_NAME


def badge_url(code: str) -> str:
    return conf.site_url() + reverse("lms_certificates:verify_badge", args=[code])


def _achievement_id(certificate: Certificate) -> str:
    course = certificate.snapshot.get("course_id") or certificate.course_id
    name = f"{conf.site_url()}/courses/{course or certificate.course_title}"
    return uuid.uuid5(uuid.NAMESPACE_URL, name).urn


def build_badge(certificate: Certificate) -> dict:
    """The unsigned OpenBadgeCredential of a certificate.

    The holder is named as printed on the certificate and nothing more: no
    e-mail, no date of birth, no student code.
    """
    snapshot = certificate.snapshot
    key = active_key()
    issuer = did_key(key.public_key_multibase)
    number, index = status_position(certificate.pk)
    list_url = status_list_url(number)
    with translation.override(settings.LANGUAGE_CODE):
        school = snapshot.get("school") or ""
        course = certificate.course_title
        credential = {
            "@context": [VC_V2, OB_V3],
            "id": badge_url(certificate.code),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": _("Certificate of completion: %(course)s") % {"course": course},
            "description": (
                _("Certificate %(serial)s, issued by %(school)s.")
                % {"serial": certificate.serial, "school": school}
                if school
                else _("Certificate %(serial)s.") % {"serial": certificate.serial}
            ),
            "issuer": {
                "id": issuer,
                "type": ["Profile"],
                "name": issuer_name(),
                "url": conf.site_url() + "/",
            },
            "validFrom": _iso(certificate.issued_at),
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "name": certificate.name_as_printed,
                "identifier": [
                    {
                        "type": "IdentityObject",
                        "identityHash": certificate.name_as_printed,
                        "identityType": "name",
                        "hashed": False,
                    }
                ],
                "achievement": {
                    "id": _achievement_id(certificate),
                    "type": ["Achievement"],
                    "achievementType": "CertificateOfCompletion",
                    "name": course,
                    "description": _("Completion of the course „%(course)s”.")
                    % {"course": course},
                    "criteria": {
                        "narrative": _(
                            "Meet the completion requirements of the course."
                        )
                    },
                },
            },
            "credentialStatus": {
                "id": f"{list_url}#{index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": str(index),
                "statusListCredential": list_url,
            },
            "credentialSchema": [
                {"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}
            ],
        }
    if certificate.expires_on:
        end = datetime.combine(
            certificate.expires_on + timedelta(days=1),
            time.min,
            tzinfo=timezone.get_current_timezone(),
        )
        credential["validUntil"] = _iso(end)
    return credential


def signed_badge(certificate: Certificate) -> dict:
    return sign(build_badge(certificate))


# --- Checking a badge file ---------------------------------------------------


@dataclass
class BadgeCheck:
    """What checking a badge found. `verdict`: valid, revoked, expired,
    tampered, untrusted, unreadable; `status_checked` False when the status
    list could not be reached."""

    verdict: str
    message: str
    holder: str = ""
    course: str = ""
    valid_from: str = ""
    status_checked: bool = True
    details: dict = field(default_factory=dict)


def _own_status_list_number(url: str) -> int | None:
    """The list number when `url` is one of this site's status lists."""
    prefix = status_list_url(0).removesuffix("0.json")
    if not url.startswith(prefix) or not url.endswith(".json"):
        return None
    number = url[len(prefix) : -len(".json")]
    return int(number) if number.isdigit() else None


def status_from_list(credential: dict, status_list: dict, trusted: dict) -> bool:
    """True when the certificate's bit is set in a status list credential."""
    entry = credential.get("credentialStatus") or {}
    if status_list.get("id") != entry.get("statusListCredential"):
        raise BadgeInvalid(
            "unreadable", _("This status list is not the one the credential names.")
        )
    issuer = verify_proof(status_list, trusted)
    if issuer != _issuer_id(credential):
        raise BadgeInvalid(
            "untrusted", _("The status list was signed by another issuer.")
        )
    subject = status_list.get("credentialSubject") or {}
    if subject.get("statusPurpose") != entry.get("statusPurpose"):
        raise BadgeInvalid("unreadable", _("The status list has another purpose."))
    return bit_is_set(subject.get("encodedList", ""), int(entry["statusListIndex"]))


def _fetch_status_list(url: str, timeout: float = 5.0) -> dict | None:
    """The status list from its address, or None when it cannot be reached."""
    import urllib.request

    if not url.startswith("https://"):
        return None
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            return json.loads(response.read(2_000_000))
    except (OSError, ValueError):
        return None


def check_badge(
    credential: dict,
    *,
    trusted: dict,
    status_list: dict | None = None,
    use_site: bool = True,
    fetch: bool = False,
) -> BadgeCheck:
    """Verify a badge: its proof, its validity dates and its status.

    The status comes from `status_list` (a status list credential, checked
    too) when given, else from this site's ledger when the credential points
    at one of our lists and `use_site`, else from the network when `fetch`.
    """
    try:
        verify_proof(credential, trusted)
    except BadgeInvalid as problem:
        return BadgeCheck(problem.code, problem.message)
    subject = credential.get("credentialSubject") or {}
    result = BadgeCheck(
        "valid",
        _("The signature is valid and the certificate has not been revoked."),
        holder=str(subject.get("name", "")),
        course=str((subject.get("achievement") or {}).get("name", "")),
        valid_from=str(credential.get("validFrom", "")),
    )
    entry = credential.get("credentialStatus") or {}
    try:
        index = int(entry.get("statusListIndex", ""))
        list_url = str(entry.get("statusListCredential", ""))
        own = _own_status_list_number(list_url) if use_site else None
        if status_list is not None:
            revoked = status_from_list(credential, status_list, trusted)
        elif own is not None:
            pk = own * STATUS_LIST_SIZE + index
            stored = Certificate.objects.filter(pk=pk).values_list("status", flat=True)
            revoked = list(stored) != [CertificateStatus.VALID]
        elif fetch and (fetched := _fetch_status_list(list_url)) is not None:
            revoked = status_from_list(credential, fetched, trusted)
        else:
            revoked = None
    except BadgeInvalid as problem:
        return BadgeCheck(problem.code, problem.message)
    except (TypeError, ValueError):
        return BadgeCheck(
            "unreadable", _("The credential's status entry is unreadable.")
        )
    if revoked:
        result.verdict = "revoked"
        result.message = _("The signature is valid, but the certificate was revoked.")
        return result
    valid_until = credential.get("validUntil")
    if valid_until and valid_until < _iso(timezone.now()):
        result.verdict = "expired"
        result.message = _("The signature is valid, but the certificate has expired.")
        return result
    if revoked is None:
        result.status_checked = False
        result.message = _(
            "The signature is valid. Whether the certificate was revoked could "
            "not be checked: its status list is out of reach."
        )
    return result
