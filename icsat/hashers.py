"""How passwords are stored: Argon2id at OWASP's recommended minimum.

Django's default PBKDF2 (1.5M iterations in Django 6.1) cost a sign-in ~300 ms of CPU on
this project's 2-core machines, which held a web worker through every sign-in of the load
test (bench/LOAD.md). Argon2id with 19 MiB, 2 passes and 1 lane (OWASP Password Storage
Cheat Sheet, first choice) is memory-hard, so a guessing rig pays in memory as well as
time, and a sign-in costs ~17 ms. Django's own Argon2 defaults (100 MiB, 8 lanes) took
~150 ms here. Hashes stored with an older hasher still work and are rehashed at the next
sign-in (settings.PASSWORD_HASHERS lists them after this one).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
