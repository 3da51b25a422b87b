"""Secret detection for the security rules: does a variable NAME say it holds a secret, does a VALUE look like
one. Pure functions over strings, no Pulumi imports; the rules in security_secrets.py call them.

Names. A name is split into lower-case words (``DB_PASSWORD`` → db, password; ``apiKey`` → api, key;
``/app/db/password`` → app, db, password). It is secret-like when a word is a secret term (password, passwd,
passphrase, pwd, pass, pw, secret, token, credential(s), creds, dsn, ...; also glued forms such as
``dbpassword`` or ``authtoken``) or two adjacent words form one (api key, private key, access key, secret key,
signing key, encryption key, master key, client secret, connection string, ...).
A qualifier word AFTER the secret term makes the name describe the secret instead of holding it:
``TOKEN_TTL``, ``PASSWORD_MIN_LENGTH``, ``SECRET_ARN``, ``API_KEY_HEADER``, ``PASSWORD_FILE``,
``ACCESS_TOKEN_EXPIRES_IN`` are not secret-like (see ``QUALIFIERS``). The variables Security Hub ECS.8 names
(``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``ECS_ENGINE_AUTH_DATA``, plus ``AWS_SESSION_TOKEN``) are
always secret-like.

Values under a secret-like name that are NOT a secret: the empty string, booleans (true/false/yes/no/on/off),
and ARNs of Secrets Manager secrets, SSM parameters or KMS keys (a pointer the app resolves itself). Anything
else, numbers included (a PIN is a secret), counts as a plaintext secret.

Values. ``value_finding`` recognises AWS access key ids (AKIA/ASIA/ABIA/ACCA + 16), provider key formats
(Stripe ``sk_live_``/``sk_test_``/``rk_…``, Slack ``xox?-`` tokens and webhooks, GitHub
``ghp_``/``gho_``/…/``github_pat_``, GitLab ``glpat-``, Google ``AIza…``, OpenAI/Anthropic ``sk-…``, SendGrid,
npm, PyPI, Docker Hub, Vault, Shopify), URLs with ``user:password@`` (a ``$VAR``/``${VAR}`` placeholder
password is not a secret) or a password/token query parameter, PEM private keys and JWTs. An AWS secret
access key (40 characters of base64) is only recognisable in context: ``looks_like_aws_secret_key`` is
applied by the caller to the values of a container that also carries an access key id.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Single words that make a name secret-like.
SECRET_WORDS = frozenset(
    {
        "password", "passwords", "passwd", "passphrase", "pwd", "pass", "pw",
        "secret", "secrets", "token", "tokens", "credential", "credentials", "creds", "cred", "dsn",
        "apikey", "apikeys", "accesskey", "privatekey", "secretkey", "clientsecret", "authtoken",
        "accesstoken", "refreshtoken", "connstr", "connectionstring", "sessionkey", "signingkey",
        "encryptionkey", "masterkey",
    }
)  # fmt: skip
# Glued forms inside one word: "dbpassword", "mysecret", "githubtoken".
SECRET_SUBSTRINGS = ("password", "passwd", "passphrase", "credential", "apikey", "privatekey", "secretkey")
SECRET_SUFFIXES = ("secret", "token")
# Two adjacent words that make a name secret-like.
SECRET_PAIRS = frozenset(
    {
        ("api", "key"), ("private", "key"), ("access", "key"), ("secret", "key"), ("signing", "key"),
        ("encryption", "key"), ("master", "key"), ("auth", "key"), ("session", "key"), ("app", "key"),
        ("hmac", "key"), ("jwt", "key"), ("ssh", "key"), ("gpg", "key"), ("pgp", "key"),
        ("webhook", "key"), ("client", "secret"), ("connection", "string"), ("conn", "string"),
    }
)  # fmt: skip
# Words after the secret term that make the name describe the secret rather than hold it.
QUALIFIERS = frozenset(
    {
        "ttl", "expiry", "expires", "expire", "expiration", "lifetime", "timeout", "age", "length", "len",
        "min", "max", "minimum", "maximum", "url", "uri", "endpoint", "host", "port", "path", "file",
        "dir", "directory", "arn", "name", "id", "header", "param", "parameter", "enabled", "enable",
        "disabled", "required", "issuer", "audience", "type", "algorithm", "alg", "version", "region",
        "rotation", "days", "seconds", "secs", "sec", "ms", "minutes", "mins", "hours", "count", "size",
        "bytes", "policy", "format", "mode", "prefix", "suffix", "location", "provider", "scope", "scopes",
        "cache", "store", "backend", "source", "kind", "ref", "field", "strength", "complexity", "hint",
        "reset", "rotate", "validation", "validator", "refresh", "interval",
    }
)  # fmt: skip

# The variables Security Hub ECS.8 names: secret-like whatever the general word rules say.
ALWAYS_SECRET_NAMES = frozenset(
    {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "ECS_ENGINE_AUTH_DATA"}
)

_HARMLESS_VALUES = frozenset({"", "true", "false", "yes", "no", "on", "off", "enabled", "disabled"})
_POINTER_ARN = re.compile(r"^arn:aws[a-z-]*:(secretsmanager|ssm|kms):", re.IGNORECASE)


def name_words(name: str) -> list[str]:
    """Lower-case words of a variable or parameter name (separators, camelCase and digits split)."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [w for w in re.split(r"[^a-z0-9]+", spaced.lower()) if w]


def _secret_term_end(words: Sequence[str]) -> int | None:
    """Index just past the last secret term in ``words``, or None when there is none."""
    end: int | None = None
    for i, word in enumerate(words):
        if (
            word in SECRET_WORDS
            or any(s in word for s in SECRET_SUBSTRINGS)
            or word.endswith(SECRET_SUFFIXES)
        ):
            end = i + 1
        if i + 1 < len(words) and (word, words[i + 1]) in SECRET_PAIRS:
            end = i + 2
    return end


def is_secret_name(name: str) -> bool:
    """True when ``name`` says its value is a secret (see the module docstring for the word lists)."""
    if name.upper() in ALWAYS_SECRET_NAMES:
        return True
    words = name_words(name)
    end = _secret_term_end(words)
    if end is None:
        return False
    return not any(word in QUALIFIERS for word in words[end:])


def is_harmless_secret_value(value: str) -> bool:
    """Values that carry no secret even under a secret-like name: empty, booleans, pointer ARNs."""
    stripped = value.strip()
    return stripped.lower() in _HARMLESS_VALUES or bool(_POINTER_ARN.match(stripped))


AWS_ACCESS_KEY_ID = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])")
AWS_SECRET_KEY_PATTERN = re.compile(r"^(?=.*[A-Z])(?=.*[a-z])(?=.*[0-9])[A-Za-z0-9/+=]{40}$")
_URL_CREDENTIALS = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#@:]*:([^\s/?#@]+)@")
_PLACEHOLDER = re.compile(r"^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$")
_URL_QUERY_SECRET = re.compile(
    r"[?&;](?:password|passwd|pwd|secret|token|access_token|api_?key|apikey)=(?!&|;|$)[^&;\s]+",
    re.IGNORECASE,
)

# (what it looks like, pattern). Order matters only for which label a value gets.
_VALUE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a PEM private key", re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")),
    ("an AWS access key id", AWS_ACCESS_KEY_ID),
    ("a Stripe secret key", re.compile(r"\b[rs]k_(?:live|test)_[0-9A-Za-z]{10,}")),
    ("a Slack webhook URL", re.compile(r"https://hooks\.slack\.com/services/T[0-9A-Z]+/B[0-9A-Z]+/\w+")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[0-9A-Za-z-]{10,}")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[0-9A-Za-z]{36,}|github_pat_[0-9A-Za-z_]{22,})")),
    ("a GitLab token", re.compile(r"\bglpat-[0-9A-Za-z_-]{20,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}")),
    ("an Anthropic API key", re.compile(r"\bsk-ant-[0-9A-Za-z_-]{20,}")),
    ("an OpenAI API key", re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[0-9A-Za-z_-]{20,}")),
    ("a SendGrid API key", re.compile(r"\bSG\.[0-9A-Za-z_-]{22}\.[0-9A-Za-z_-]{43}")),
    ("an npm token", re.compile(r"\bnpm_[0-9A-Za-z]{36}")),
    ("a PyPI token", re.compile(r"\bpypi-AgEIcHlwaS5vcmc[0-9A-Za-z_-]{20,}")),
    ("a Docker Hub token", re.compile(r"\bdckr_pat_[0-9A-Za-z_-]{20,}")),
    ("a HashiCorp Vault token", re.compile(r"\bhv[sb]\.[0-9A-Za-z_-]{20,}")),
    ("a Shopify token", re.compile(r"\bshp(?:at|ss|ca|pa)_[0-9a-fA-F]{32}")),
    ("a JWT", re.compile(r"\beyJ[0-9A-Za-z_-]{10,}\.eyJ[0-9A-Za-z_-]{10,}\.[0-9A-Za-z_-]*")),
)


def value_finding(value: str) -> str | None:
    """What ``value`` looks like ("an AWS access key id", "a URL with a password", ...), or None."""
    for label, pattern in _VALUE_PATTERNS:
        if pattern.search(value):
            return label
    for match in _URL_CREDENTIALS.finditer(value):
        if not _PLACEHOLDER.match(match.group(1)):
            return "a URL with a password"
    if "://" in value and _URL_QUERY_SECRET.search(value):
        return "a URL with a secret query parameter"
    return None


def contains_access_key_id(value: str) -> bool:
    return AWS_ACCESS_KEY_ID.search(value) is not None


def looks_like_aws_secret_key(value: str) -> bool:
    return AWS_SECRET_KEY_PATTERN.match(value.strip()) is not None
