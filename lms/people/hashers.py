"""Password hashing: Argon2id at the OWASP-recommended cost.

Django's own Argon2 hasher asks for 100 MiB and 8 lanes per hash: about a
quarter of a second of both cores here, and as much again for every pupil
of a class signing in at the start of a lesson. OWASP's Password Storage
Cheat Sheet recommends Argon2id with 19 MiB, two passes and one lane as the
minimum; being memory-hard it costs a GPU attacker more than PBKDF2 at
Django's million rounds, which it replaces as the default here. Stored
hashes of any other kind or cost still verify and are re-hashed with these
parameters at the next sign-in.

Each hash works in a 19 MiB block from malloc. glibc hands the first one
back to the system but then raises its threshold, so from the second sign-in
on the block stays in the heap of every web process: about 19 MiB more per
worker for good. The hasher gives it back after each hash (`malloc_trim`).
"""

import ctypes
from functools import cache

from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    get_hasher,
    identify_hasher,
    is_password_usable,
)


@cache
def _malloc_trim():
    """glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


def work_area_release() -> None:
    """Give the freed Argon2 work area back to the system."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


class Argon2idPasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1

    def encode(self, password, salt):
        try:
            return super().encode(password, salt)
        finally:
            work_area_release()

    def verify(self, password, encoded):
        try:
            return super().verify(password, encoded)
        finally:
            work_area_release()


def password_work_equalise(
    *, password: str | None, encoded: str, rehashed: bool
) -> None:
    """Do the default hasher's work when checking `encoded` did not.

    Accounts that still have their roster password carry a cheaper PBKDF2
    hash (see `roster.credentials`), so checking a wrong password against
    them took a fraction of the time an Argon2id account takes, and a few
    failed sign-ins told which accounts were never used. After such a check
    the default hasher hashes the attempt once (like ModelBackend's dummy
    run for unknown usernames), so every sign-in, failed or not, costs one
    run of the default hasher. A correct password that was just re-hashed
    (`rehashed`) already paid it.
    """
    if rehashed or not is_password_usable(encoded):
        return  # Django's own dummy run, or the re-hash, did the work.
    try:
        hasher = identify_hasher(encoded)
    except ValueError:
        return  # Django ran the default hasher for unknown hashes.
    preferred = get_hasher("default")
    if hasher.algorithm != preferred.algorithm:
        preferred.encode(password or "", preferred.salt())
