"""Private keys of the certificate issuers, sealed at rest.

Every private key the add-on keeps (the PDF signing chain, the badge keys) is
stored only as an encrypted PKCS#8 PEM: `seal()` before it goes into the
database or a file, `unseal()` when it is used. The passphrase comes from the
setting ``LMS_CERTIFICATE_KEY_PASSPHRASE`` (an environment variable in
production); a database dump or backup without that passphrase holds no
usable key.

The embedded default, which has no passphrase set, derives one from
``SECRET_KEY`` so the demo can sign; ``check --deploy`` warns about that
(lms.W004 in lms/checks.py).
"""

import hashlib
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import salted_hmac

# Names the derivation so the same SECRET_KEY never yields this passphrase
# for another purpose.
DERIVATION_SALT = "lms.certificates.keystore"


def passphrase_is_configured() -> bool:
    """Whether the site set its own passphrase (not derived from SECRET_KEY)."""
    return bool(getattr(settings, "LMS_CERTIFICATE_KEY_PASSPHRASE", None))


def passphrase() -> bytes:
    """The passphrase that seals private keys."""
    configured = getattr(settings, "LMS_CERTIFICATE_KEY_PASSPHRASE", None)
    if configured:
        return configured.encode() if isinstance(configured, str) else configured
    if not settings.SECRET_KEY:
        raise ImproperlyConfigured(
            "Set LMS_CERTIFICATE_KEY_PASSPHRASE (or at least SECRET_KEY): "
            "certificate signing keys are stored encrypted with it."
        )
    return salted_hmac(DERIVATION_SALT, "passphrase").hexdigest().encode()


def seal(private_key) -> bytes:
    """`private_key` (a `cryptography` private key) as encrypted PKCS#8 PEM."""
    from cryptography.hazmat.primitives import serialization

    return private_key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase()),
    )


def unseal(sealed: bytes):
    """The private key in `sealed` (from `seal()`), decrypted.

    Decrypting costs a key derivation (tens of milliseconds), so the parsed
    key is kept per process, keyed by the sealed bytes and the passphrase.
    """
    return _unseal_cached(bytes(sealed), hashlib.sha256(passphrase()).digest())


@lru_cache(maxsize=64)
def _unseal_cached(sealed: bytes, passphrase_digest: bytes):
    from cryptography.hazmat.primitives import serialization

    return serialization.load_pem_private_key(sealed, password=passphrase())
