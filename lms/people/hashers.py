"""Password hashing: Argon2id at the OWASP-recommended cost.

Django's own Argon2 hasher asks for 100 MiB and 8 lanes per hash: about a
quarter of a second of both cores here, and as much again for every pupil
of a class signing in at the start of a lesson. OWASP's Password Storage
Cheat Sheet recommends Argon2id with 19 MiB, two passes and one lane as the
minimum; being memory-hard it costs a GPU attacker more than PBKDF2 at
Django's million rounds, which it replaces as the default here. Stored
hashes of any other kind or cost still verify and are re-hashed with these
parameters at the next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
