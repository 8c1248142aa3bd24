"""Recognise environment variables that carry credentials, so they go through `secrets` instead.

Shared by the policy pack and the components (which refuse such variables at construction), so
what a component accepts the pack accepts too.

Plain `environment` values are stored in the task definition, visible to anyone who can describe
it, and printed by `pulumi preview`. A name is treated as secret-bearing when, split on `_`, `-`
and `.` and upper-cased, it

- contains a word that only names credentials (PASSWORD, SECRET, TOKEN, CREDENTIALS, ...), or
- contains a two-word credential phrase (API KEY, PRIVATE KEY, ACCESS KEY, CLIENT SECRET, ...), or
- has a short credential word (PWD, PASS, PAT, KEY, AUTH) after a word that says whose it is
  (`REDIS_PWD`, `DB_PASS`, `GITHUB_PAT`, `STRIPE_KEY`, `REDIS_AUTH`); alone (`PWD`, the shell's
  working directory) or after a word that makes it a data key (`SORT_KEY`, `CACHE_KEY`) it is not, or
- is a whole well-known credential name (AWS_SECRET_ACCESS_KEY, PGPASSWORD, ...),

unless its last word says the value describes the credential rather than holding it
(`PASSWORD_MIN_LENGTH`, `TOKEN_TTL`, `JWT_SECRET_ARN`, `API_KEY_HEADER`, `DB_PASS_FILE`) or its
first word makes it a switch (`ENABLE_AUTH`). Connection URLs (`DATABASE_URL`, `REDIS_URI`,
`SENTRY_DSN`) are allowed by name but refused when the value embeds a password
(`scheme://user:password@host`).

Command lines (`command`, `entryPoint`) leak the same way: `secret_arguments` finds passwords given
as arguments (`redis-server --requirepass hunter2`, `PGPASSWORD=x psql`, `--db-token=x`), while
references the shell expands at run time (`--requirepass "$REDIS_PASSWORD"`) pass.
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

CREDENTIAL_NAMES = frozenset(
    {
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "PGPASSWORD",
        "MYSQL_PWD",
        "REQUIREPASS",
        "MASTERAUTH",
        "PASSPHRASE",
    }
)

SHORT_CREDENTIAL_WORDS = frozenset({"PWD", "PASS", "PASSWD", "PAT", "KEY", "AUTH", "PSK"})
"""Credential words that need an owner before them: `PWD` alone is the working directory."""

# Words before KEY/AUTH that make it a data or routing key, or a switch, not a credential.
NON_SECRET_QUALIFIERS = frozenset(
    {
        "PARTITION",
        "SORT",
        "PRIMARY",
        "FOREIGN",
        "CACHE",
        "OBJECT",
        "S3",
        "ROUTING",
        "IDEMPOTENCY",
        "HASH",
        "RANGE",
        "PUBLIC",
        "LOOKUP",
        "DEDUPLICATION",
        "DEDUP",
        "GROUP",
        "SHARD",
        "MAP",
        "INDEX",
        "ORDER",
        "HOT",
    }
)
SWITCH_WORDS = frozenset(
    {"ENABLE", "ENABLED", "DISABLE", "DISABLED", "USE", "SKIP", "REQUIRE", "NO", "WITH", "WITHOUT"}
)

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
        "MODE",
        "TYPE",
        "METHOD",
        "PROVIDER",
        "PREFIX",
        "SUFFIX",
        "ALGORITHM",
        "ISSUER",
        "AUDIENCE",
        "SCOPE",
        "SCOPES",
        "DIR",
        "VERSION",
        "FORMAT",
        "SIZE",
        "COUNT",
    }
)

_WORD_SPLIT = re.compile(r"[_.\-]+")
_URL_WITH_PASSWORD = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://[^/@:\s]*:[^/@\s]+@")
_URL_WITH_PASSWORD_ANYWHERE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^/@:\s'\"]*:[^/@\s'\"]+@")
_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.+)$")
_RUNTIME_REFERENCE = re.compile(r"^[\"']?(\$|%|<|\{\{)")
_PASSWORD_FLAG_SUFFIXES = ("pass", "password", "passwd", "pwd", "secret", "token")


def name_looks_secret(name: str) -> bool:
    """True when `name` looks like it holds a credential (see the module docstring for the rule)."""
    upper = name.upper()
    if upper in CREDENTIAL_NAMES:
        return True
    words = [w for w in _WORD_SPLIT.split(upper) if w]
    if not words or words[-1] in DESCRIPTOR_WORDS or words[0] in SWITCH_WORDS:
        return False
    if any(word in CREDENTIAL_WORDS for word in words):
        return True
    if any(pair in CREDENTIAL_PHRASES for pair in itertools.pairwise(words)):
        return True
    return any(
        word in SHORT_CREDENTIAL_WORDS and owner not in NON_SECRET_QUALIFIERS
        for owner, word in itertools.pairwise(words)
    )


def _flag_names_secret(flag: str) -> bool:
    name = flag.lstrip("-")
    return name_looks_secret(name) or name.lower().endswith(_PASSWORD_FLAG_SUFFIXES)


def _literal(value: str) -> bool:
    """A value written into the command itself, not one the shell or the app fills in at run time."""
    return bool(value.strip("\"'")) and not _RUNTIME_REFERENCE.match(value)


def secret_arguments(arguments: list[str]) -> list[str]:
    """The flags or variables of a command line that carry a literal credential, in order of appearance.

    Shell forms (`["sh", "-c", "redis-server --requirepass x"]`) are split on whitespace, so the
    words inside the script are judged like separate arguments.
    """
    words = [word for argument in arguments for word in argument.split()]
    found: list[str] = []
    for index, word in enumerate(words):
        assignment = _ASSIGNMENT.match(word)
        if word.startswith("-") and "=" in word:
            flag, _, value = word.partition("=")
            if _flag_names_secret(flag) and _literal(value):
                found.append(flag)
        elif word.startswith("-") and len(word) > 2:
            following = words[index + 1] if index + 1 < len(words) else ""
            if _flag_names_secret(word) and following and not following.startswith("-") and _literal(following):
                found.append(word)
        elif assignment and name_looks_secret(assignment.group(1)) and _literal(assignment.group(2)):
            found.append(assignment.group(1))
        if _URL_WITH_PASSWORD_ANYWHERE.search(word):
            found.append("a URL with a password")
    return list(dict.fromkeys(found))


def value_embeds_password(value: str) -> bool:
    """True for URLs of the form `scheme://user:password@host...`."""
    return bool(_URL_WITH_PASSWORD.match(value.strip()))
