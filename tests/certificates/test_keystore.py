"""Issuer private keys are stored only encrypted with the site's passphrase."""

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from certificates import keystore


def test_a_sealed_key_is_encrypted_pem_that_unseals_to_the_same_key(settings):
    settings.LMS_CERTIFICATE_KEY_PASSPHRASE = "một câu dài bí mật"
    key = ec.generate_private_key(ec.SECP256R1())

    sealed = keystore.seal(key)

    assert sealed.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert keystore.unseal(sealed).private_numbers() == key.private_numbers()


def test_a_sealed_key_does_not_open_with_another_passphrase(settings):
    settings.LMS_CERTIFICATE_KEY_PASSPHRASE = "first"
    sealed = keystore.seal(ed25519.Ed25519PrivateKey.generate())

    settings.LMS_CERTIFICATE_KEY_PASSPHRASE = "second"
    with pytest.raises(ValueError):
        keystore.unseal(sealed)


def test_without_a_passphrase_one_is_derived_from_the_secret_key(settings):
    settings.LMS_CERTIFICATE_KEY_PASSPHRASE = None
    assert not keystore.passphrase_is_configured()
    derived = keystore.passphrase()

    settings.SECRET_KEY = "another secret"
    assert keystore.passphrase() != derived
    assert settings.SECRET_KEY.encode() not in derived
