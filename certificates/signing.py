"""PAdES signatures on certificate PDFs, made and checked with no network.

The chain: the Department's root (self-signed, published as the trust
anchor) issues one signing certificate per school and the certificate of a
local time-stamping authority (the server has no network, so the Department
stamps its own signatures). A certificate PDF gets a certification signature
by its school (no changes allowed after it), a signature time-stamp (PAdES
B-T) and, in a second incremental update, the root's CRL in the document
security store (PAdES B-LT), so a reader needs nothing but the root.

Why RSA: pyHanko declares the ISO/TS 32002 extension for ECDSA on the usual
curves, which raises the catalogue's /Version to 2.0; a PDF/A-3b file must
stay PDF 1.7. With RSA the file keeps its header, its /Version, its XMP
(pdfaid part 3, conformance B) and its output intent; pyHanko only adds the
ESIC extension (PAdES on PDF 1.7), which PDF/A-3 allows.

Private keys live only sealed (keystore.seal) in SigningKey rows. The parsed
chain is kept per process, so signing costs one query, two RSA signatures and
the writing of two incremental updates.
"""

import asyncio
import hashlib
import io
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from . import keystore
from .models import SigningKey

logger = logging.getLogger(__name__)

RSA_BITS = 3072
ROOT_YEARS = 50
TSA_YEARS = 50
SCHOOL_YEARS = 30
CRL_DAYS = 30
SIGNATURE_FIELD = "LMSCertificateSignature"
# Room for the signature container (the CMS, the time-stamp token and the
# chain): reserving it skips pyHanko's dry run that measures it.
SIGNATURE_BYTES = 16384

Kind = SigningKey.Kind


class _QuietNoFetching(logging.Filter):
    # pyHanko warns on every B-LT signature that fetching is off; it is off
    # on purpose (the CRL is ours and given to it).
    def filter(self, record):
        return "fetching is not allowed" not in record.getMessage()


logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(_QuietNoFetching())


def new_private_key():
    """A fresh private key for the chain (tests swap in a pool of keys)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)


def _department_name() -> str:
    from lms.people.models import Department

    department = Department.objects.order_by("pk").first()
    return department.name if department else "LMS"


def _fit(text: str, limit: int = 64) -> str:
    """`text` cut to X.509's limit, counted in UTF-8 bytes (Vietnamese letters
    take two or three)."""
    while len(text.encode("utf-8")) > limit:
        text = text[:-1]
    return text.strip()


def _name(common_name: str, organisation: str = "") -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attributes.append(
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organisation))
        )
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)))
    return x509.Name(attributes)


def _issue(*, subject, key, issuer_cert, issuer_key, years, kind) -> x509.Certificate:
    now = datetime.now(UTC)
    is_root = issuer_cert is None
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject if is_root else issuer_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(
            x509.BasicConstraints(ca=is_root, path_length=0 if is_root else None),
            critical=True,
        )
        .add_extension(
            x509.KeyUsage(
                digital_signature=not is_root,
                content_commitment=kind == Kind.SCHOOL,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=is_root,
                crl_sign=is_root,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
            critical=False,
        )
    )
    if not is_root:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    if kind == Kind.TSA:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return builder.sign(issuer_key if not is_root else key, hashes.SHA256())


def _pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _create(kind, school_code, subject, issuer: SigningKey | None, years):
    """A new active key of `kind`; None if another process made one first."""
    key = new_private_key()
    issuer_cert = issuer_key = None
    if issuer is not None:
        issuer_cert = x509.load_pem_x509_certificate(issuer.certificate_pem.encode())
        issuer_key = keystore.unseal(bytes(issuer.sealed_key))
    certificate = _issue(
        subject=subject,
        key=key,
        issuer_cert=issuer_cert,
        issuer_key=issuer_key,
        years=years,
        kind=kind,
    )
    try:
        with transaction.atomic():
            return SigningKey.objects.create(
                kind=kind,
                school_code=school_code,
                certificate_pem=_pem(certificate),
                sealed_key=keystore.seal(key),
            )
    except IntegrityError:
        return None


def _active(kind, school_code="") -> SigningKey | None:
    return SigningKey.objects.filter(
        kind=kind, school_code=school_code, retired_at__isnull=True
    ).first()


def root_ensure() -> SigningKey:
    """The Department's root, made on first use."""
    found = _active(Kind.ROOT)
    if found is None:
        department = _department_name()
        subject = _name(
            _("%(department)s certificate root") % {"department": department},
            department,
        )
        found = _create(Kind.ROOT, "", subject, None, ROOT_YEARS) or _active(Kind.ROOT)
    return found


def tsa_ensure(root: SigningKey | None = None) -> SigningKey:
    found = _active(Kind.TSA)
    if found is None:
        root = root or root_ensure()
        department = _department_name()
        subject = _name(
            _("%(department)s time stamping") % {"department": department},
            department,
        )
        found = _create(Kind.TSA, "", subject, root, TSA_YEARS) or _active(Kind.TSA)
    return found


def _school_subject(school_code: str) -> x509.Name:
    from lms.people.models import School

    school = School.objects.select_related("department").filter(code=school_code)
    school = school.first()
    if school is None:
        return _name(school_code, _department_name())
    return _name(school.name, school.department.name)


def school_key_ensure(school_code: str, root: SigningKey | None = None) -> SigningKey:
    """The school's active signing key, made when the school first issues."""
    found = _active(Kind.SCHOOL, school_code)
    if found is None:
        root = root or root_ensure()
        found = _create(
            Kind.SCHOOL, school_code, _school_subject(school_code), root, SCHOOL_YEARS
        ) or _active(Kind.SCHOOL, school_code)
    return found


def keys_init() -> list[SigningKey]:
    """The root and the time-stamping key (idempotent)."""
    root = root_ensure()
    return [root, tsa_ensure(root)]


def key_rotate(*, school_code: str) -> SigningKey:
    """A new signing key for the school; the old one is retired, not revoked:
    its certificate, issued by the same root, still validates what it signed."""
    root = root_ensure()
    with transaction.atomic():
        SigningKey.objects.filter(
            kind=Kind.SCHOOL, school_code=school_code, retired_at__isnull=True
        ).update(retired_at=timezone.now())
        new = _create(
            Kind.SCHOOL, school_code, _school_subject(school_code), root, SCHOOL_YEARS
        )
    return new or _active(Kind.SCHOOL, school_code)


def trust_root_pems() -> list[str]:
    """Every root the Department ever had (normally one), newest first."""
    root_ensure()
    return list(
        SigningKey.objects.filter(kind=Kind.ROOT)
        .order_by("-created_at")
        .values_list("certificate_pem", flat=True)
    )


def trust_root_pem() -> str:
    return root_ensure().certificate_pem


# --- signing ---------------------------------------------------------------


@lru_cache(maxsize=256)
def _asn1_certificate(pem: str):
    return asn1_x509.Certificate.load(
        x509.load_pem_x509_certificate(pem.encode()).public_bytes(
            serialization.Encoding.DER
        )
    )


@cache
def _signer_class():
    from pyhanko.sign.signers import Signer
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class CachedKeySigner(Signer):
        """Signs with a key parsed once per process (pyHanko's SimpleSigner
        re-parses its key on every signature: about 90 ms for RSA-3072)."""

        def __init__(self, *, private_key, **kwargs):
            super().__init__(**kwargs)
            self._private_key = private_key

        async def async_sign_raw(self, data, digest_algorithm, dry_run=False):
            return self._private_key.sign(
                data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm)
            )

    return CachedKeySigner


@cache
def _timestamper_class():
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class LocalTimeStamper(DummyTimeStamper):
        """The Department's own time-stamping authority, in process.

        pyHanko's in-process stamper, signing with the key parsed once."""

        def __init__(self, *, private_key, **kwargs):
            super().__init__(tsa_key=None, **kwargs)
            self._private_key = private_key

        def _sign_tst_info(self, tst_info_data, md_algorithm, dt):
            from asn1crypto import cms, core
            from pyhanko.sign import general
            from pyhanko.sign.general import simple_cms_attribute

            digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
            digest.update(tst_info_data)
            signed_attrs = cms.CMSAttributes(
                [
                    simple_cms_attribute("content_type", "tst_info"),
                    simple_cms_attribute(
                        "signing_time", cms.Time({"utc_time": core.UTCTime(dt)})
                    ),
                    simple_cms_attribute(
                        "signing_certificate",
                        general.as_signing_certificate(self.tsa_cert),
                    ),
                    simple_cms_attribute("message_digest", digest.finalize()),
                ]
            )
            signature = self._private_key.sign(
                signed_attrs.dump(),
                PKCS1v15(),
                get_pyca_cryptography_hash(md_algorithm.upper()),
            )
            return signature, signed_attrs

    return LocalTimeStamper


@cache
def _writer_class():
    from pyhanko.pdf_utils.generic import TextStringObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.metadata.model import VENDOR

    class PdfaWriter(IncrementalPdfFileWriter):
        """pyHanko appends its name to the Info dictionary's /Producer
        ("WeasyPrint; pyHanko") but writes its name alone into the XMP
        pdf:Producer; PDF/A wants the two equal, so the Info entry follows
        the XMP one. (The DSS update after it then changes neither.)"""

        def _update_meta(self):
            super()._update_meta()
            if self._info is not None:
                self._info.get_object()["/Producer"] = TextStringObject(VENDOR)

    return PdfaWriter


@dataclass
class _Chain:
    signer: object
    timestamper: object
    root: object
    root_key: object
    school_label: str
    crl: object = None
    crl_until: datetime | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def current_crl(self):
        """The root's (empty) CRL, reissued when it nears its next update."""
        now = datetime.now(UTC)
        with self.lock:
            if self.crl is None or self.crl_until - now < timedelta(days=1):
                self.crl, self.crl_until = _crl(self.root, self.root_key, now)
            return self.crl


def _crl(root_asn1, root_key, now):
    root = x509.load_der_x509_certificate(root_asn1.dump())
    until = now + timedelta(days=CRL_DAYS)
    revocation_list = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.subject)
        .last_update(now - timedelta(minutes=5))
        .next_update(until)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    der = revocation_list.public_bytes(serialization.Encoding.DER)
    return asn1_crl.CertificateList.load(der), until


_CHAINS: dict[tuple, _Chain] = {}
_CHAINS_LOCK = threading.Lock()


def _digest(record: SigningKey) -> str:
    return hashlib.sha256(record.certificate_pem.encode()).hexdigest()


def _chain(school_code: str) -> _Chain:
    rows = {
        (row.kind, row.school_code): row
        for row in SigningKey.objects.filter(
            Q(kind__in=[Kind.ROOT, Kind.TSA])
            | Q(kind=Kind.SCHOOL, school_code=school_code),
            retired_at__isnull=True,
        )
    }
    root = rows.get((Kind.ROOT, "")) or root_ensure()
    tsa = rows.get((Kind.TSA, "")) or tsa_ensure(root)
    school = rows.get((Kind.SCHOOL, school_code)) or school_key_ensure(
        school_code, root
    )
    cache_key = (_digest(root), _digest(tsa), _digest(school))
    chain = _CHAINS.get(cache_key)
    if chain is not None:
        return chain
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    root_cert = _asn1_certificate(root.certificate_pem)
    school_cert = _asn1_certificate(school.certificate_pem)
    chain = _Chain(
        signer=_signer_class()(
            signing_cert=school_cert,
            private_key=keystore.unseal(bytes(school.sealed_key)),
            cert_registry=SimpleCertificateStore.from_certs([root_cert]),
        ),
        timestamper=_timestamper_class()(
            tsa_cert=_asn1_certificate(tsa.certificate_pem),
            private_key=keystore.unseal(bytes(tsa.sealed_key)),
            certs_to_embed=SimpleCertificateStore.from_certs([root_cert]),
        ),
        root=root_cert,
        root_key=keystore.unseal(bytes(root.sealed_key)),
        school_label=school_cert.subject.native.get("common_name", school_code),
    )
    with _CHAINS_LOCK:
        if len(_CHAINS) > 64:
            _CHAINS.clear()
        _CHAINS[cache_key] = chain
    return chain


def sign_pdf(data: bytes, *, school_code: str) -> bytes:
    """`data` (a rendered certificate) signed by the school: PAdES B-LT."""
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator import ValidationContext

    chain = _chain(school_code)
    with override(settings.LANGUAGE_CODE):
        reason = _("Certificate issued by %(school)s") % {"school": chain.school_label}
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        reason=reason,
        location="VN",
        embed_validation_info=True,
        use_pades_lta=False,
        validation_context=ValidationContext(
            trust_roots=[chain.root],
            crls=[chain.current_crl()],
            allow_fetching=False,
        ),
    )

    def sign():
        return signers.sign_pdf(
            _writer_class()(io.BytesIO(data)),
            meta,
            signer=chain.signer,
            timestamper=chain.timestamper,
            bytes_reserved=SIGNATURE_BYTES,
        ).getvalue()

    return _outside_event_loop(sign)


def _outside_event_loop(work):
    """Run `work` (pyHanko's sync API, which calls asyncio.run) in a helper
    thread when this thread already runs an event loop (an async caller, a
    browser test driving Playwright); directly otherwise."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


# --- checking ----------------------------------------------------------------


class Verdict:
    VALID = "valid"
    UNSIGNED = "unsigned"
    TAMPERED = "tampered"
    UNTRUSTED = "untrusted"
    UNREADABLE = "unreadable"


@dataclass
class PdfSignatureCheck:
    """What a signature check found (no network was used)."""

    verdict: str
    signer: str = ""
    signed_at: datetime | None = None
    level: str = ""
    embedded: dict = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.verdict == Verdict.VALID


def _embedded_record(reader) -> dict:
    """The certificate.json the renderer attaches (signed with the file)."""
    import json

    from .rendering import ATTACHMENT_NAME

    try:
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
        for index in range(0, len(names), 2):
            if str(names[index]) == ATTACHMENT_NAME:
                stream = names[index + 1].get_object()["/EF"]["/F"].get_object()
                return json.loads(stream.data)
    except (KeyError, TypeError, ValueError, AttributeError):
        pass
    return {}


def verify_pdf(data: bytes, *, trust_roots_pem: list[str] | None = None):
    """Check the PDF's signature against our root(s) with no network.

    Valid means: the signature covers the whole file (later updates only add
    validation data), its hash matches the bytes, and the signing and
    time-stamping certificates chain to a trusted root.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import ModificationLevel
    from pyhanko_certvalidator import ValidationContext

    roots = [_asn1_certificate(pem) for pem in (trust_roots_pem or trust_root_pems())]
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - any parse failure: not a readable PDF
        return PdfSignatureCheck(Verdict.UNREADABLE)
    if not signatures:
        return PdfSignatureCheck(Verdict.UNSIGNED)
    embedded = signatures[0]
    try:
        status = _outside_event_loop(
            lambda: validate_pdf_signature(
                embedded,
                signer_validation_context=ValidationContext(
                    trust_roots=roots,
                    allow_fetching=False,
                    revocation_mode="soft-fail",
                ),
            )
        )
    except Exception:  # noqa: BLE001 - a mangled signature is a tampered file
        return PdfSignatureCheck(Verdict.TAMPERED)
    signer = status.signing_cert.subject.native.get("common_name", "")
    signed_at = (
        status.timestamp_validity.timestamp
        if status.timestamp_validity is not None
        else status.signer_reported_dt
    )
    whole = (
        status.modification_level
        in (
            ModificationLevel.NONE,
            ModificationLevel.LTA_UPDATES,
        )
        and len(signatures) == 1
    )
    if not (status.intact and status.valid and whole):
        return PdfSignatureCheck(Verdict.TAMPERED, signer=signer)
    if not status.bottom_line:
        return PdfSignatureCheck(Verdict.UNTRUSTED, signer=signer)
    level = "B-B"
    if status.timestamp_validity is not None:
        level = "B-LT" if "/DSS" in reader.root else "B-T"
    return PdfSignatureCheck(
        Verdict.VALID,
        signer=signer,
        signed_at=signed_at,
        level=level,
        embedded=_embedded_record(reader),
    )


def describe(check: PdfSignatureCheck) -> str:
    """One sentence for a person: what the signature check found."""
    if check.verdict == Verdict.VALID:
        when = (
            timezone.localtime(check.signed_at).strftime("%d/%m/%Y %H:%M")
            if check.signed_at
            else "?"
        )
        return _(
            "The digital signature is valid: signed by %(signer)s on %(when)s "
            "and the file has not been changed since."
        ) % {"signer": check.signer, "when": when}
    if check.verdict == Verdict.TAMPERED:
        return _(
            "The file was changed after it was signed: its digital signature "
            "no longer matches. Do not trust what it shows."
        )
    if check.verdict == Verdict.UNTRUSTED:
        return _(
            "The file is signed, but not with a key of our Department's root "
            "certificate."
        )
    if check.verdict == Verdict.UNSIGNED:
        return _(
            "The file has no digital signature (certificates issued before "
            "signing began have none)."
        )
    return _("This is not a readable PDF file.")


def trust_roots_from_file(path) -> list[str]:
    """The PEM certificates in a file (an exported trust root)."""
    text = path.read_text()
    marker = "-----END CERTIFICATE-----"
    return [part + marker + "\n" for part in text.split(marker) if "BEGIN" in part]


def embedded_public_record(check: PdfSignatureCheck) -> dict:
    """The public fields of the record signed inside the file."""
    snapshot = check.embedded
    return {
        "serial": snapshot.get("serial", ""),
        "name": snapshot.get("name", ""),
        "course": snapshot.get("course", ""),
        "school": snapshot.get("school", ""),
        "issue_date": snapshot.get("issue_date", ""),
        "expires_on": snapshot.get("expires_on") or None,
    }


def certificate_subject(pem: str) -> str:
    return x509.load_pem_x509_certificate(pem.encode()).subject.rfc4514_string()
