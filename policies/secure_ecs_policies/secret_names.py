"""Recognise environment variables that carry credentials, so they go through `secrets` instead.

Shared by the policy pack and the components (which refuse such variables at construction), so
what a component accepts the pack accepts too.

Plain `environment` values are stored in the task definition, visible to anyone who can describe
it, and printed by `pulumi preview`. A name is treated as secret-bearing when, split on `_`, `-`
and `.` and upper-cased, it

- contains a word that only names credentials (PASSWORD, SECRET, TOKEN, CREDENTIALS, ...), or
- contains a two-word credential phrase (API KEY, PRIVATE KEY, ACCESS KEY, CLIENT SECRET, ...), or
- is a whole well-known credential name (AWS_SECRET_ACCESS_KEY, CONNECTION_STRING, ...),

unless its last word says the value describes the credential rather than holding it
(`PASSWORD_MIN_LENGTH`, `TOKEN_TTL`, `JWT_SECRET_ARN`, `API_KEY_HEADER`). Connection URLs
(`DATABASE_URL`, `REDIS_URI`, `SENTRY_DSN`) are allowed by name but refused when the value
embeds a password (`scheme://user:password@host`).
"""

from __future__ import annotations

import itertools
import re

CREDENTIAL_WORDS = frozenset(
    {
        "PASSWORD",
        "PASSWD",
        "PASSPHRASE",
        "SECRET",
        "SECRETS",
        "TOKEN",
        "TOKENS",
        "CREDENTIAL",
        "CREDENTIALS",
        "CREDS",
        "APIKEY",
        "PRIVATEKEY",
        "SECRETKEY",
    }
)

CREDENTIAL_PHRASES = frozenset(
    {
        ("API", "KEY"),
        ("PRIVATE", "KEY"),
        ("ACCESS", "KEY"),
        ("SECRET", "KEY"),
        ("SIGNING", "KEY"),
        ("ENCRYPTION", "KEY"),
        ("MASTER", "KEY"),
        ("SESSION", "KEY"),
        ("AUTH", "KEY"),
        ("CLIENT", "SECRET"),
        ("CONNECTION", "STRING"),
    }
)

CREDENTIAL_NAMES = frozenset({"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"})

# Last words that make the variable a description of a credential (its length, lifetime, where
# it is stored), not the credential itself.
DESCRIPTOR_WORDS = frozenset(
    {
        "ARN",
        "NAME",
        "ID",
        "PATH",
        "FILE",
        "URL",
        "URI",
        "ENDPOINT",
        "HOST",
        "PORT",
        "HEADER",
        "LENGTH",
        "TTL",
        "EXPIRY",
        "EXPIRES",
        "TIMEOUT",
        "ENABLED",
        "REQUIRED",
        "POLICY",
        "ROTATION",
        "REGION",
    }
)

_WORD_SPLIT = re.compile(r"[_.\-]+")
_URL_WITH_PASSWORD = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://[^/@:\s]*:[^/@\s]+@")


def name_looks_secret(name: str) -> bool:
    """True when `name` looks like it holds a credential (see the module docstring for the rule)."""
    upper = name.upper()
    if upper in CREDENTIAL_NAMES:
        return True
    words = [w for w in _WORD_SPLIT.split(upper) if w]
    if not words or words[-1] in DESCRIPTOR_WORDS:
        return False
    if any(word in CREDENTIAL_WORDS for word in words):
        return True
    return any(pair in CREDENTIAL_PHRASES for pair in itertools.pairwise(words))


def value_embeds_password(value: str) -> bool:
    """True for URLs of the form `scheme://user:password@host...`."""
    return bool(_URL_WITH_PASSWORD.match(value.strip()))
