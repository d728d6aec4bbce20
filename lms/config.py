"""Configuration: documented defaults, overridden by ATLAS_* environment variables.

Secrets never live in the repository: the secret key is generated into the
instance folder on first run and read from there afterwards.
"""

import os
import secrets
from pathlib import Path

#: Every setting the platform reads from the environment, with its default and meaning.
#: docs/configuration.md is generated from the same table by hand; keep them in step.
ENVIRONMENT = {
    "ATLAS_DATABASE_URL": ("sqlite:///<instance>/atlas.db", "SQLAlchemy URL of the database"),
    "ATLAS_SECRET_KEY": ("generated into instance/secret_key", "Flask secret key"),
    "ATLAS_BASE_URL": ("http://127.0.0.1:5000", "public URL, used in mails and xAPI ids"),
    "ATLAS_MAIL_SERVER": ("", "SMTP host; empty writes mails to instance/mail/"),
    "ATLAS_MAIL_PORT": ("587", "SMTP port"),
    "ATLAS_MAIL_USERNAME": ("", "SMTP user"),
    "ATLAS_MAIL_PASSWORD": ("", "SMTP password"),
    "ATLAS_MAIL_SENDER": ("ATLAS Campus <noreply@atlas-campus.example>", "From: header"),
    "ATLAS_SELF_REGISTRATION": ("1", "1 lets anyone register, 0 allows invitations only"),
    "ATLAS_REDIS_URL": ("", "Redis for shared counters (throttling, rate limits); empty: database"),
    "ATLAS_REDIS_KEY_PREFIX": ("atlas:", "prefix of this site's keys in Redis"),
    "ATLAS_RATELIMIT_STORAGE_URL": ("ATLAS_REDIS_URL, else atlas+db://",
                                    "Flask-Limiter storage; the default is shared by all workers"),
    "ATLAS_RATELIMIT_ENABLED": ("1", "0 turns rate limits off (benchmarks; a proxy that limits)"),
    "ATLAS_PLUGINS": ("", "comma-separated names of third-party plugins to load"),
    "ATLAS_SECURE_COOKIES": ("0", "1 marks cookies Secure (behind HTTPS)"),
    "ATLAS_LOG_FORMAT": ("text", "text or json"),
    "ATLAS_LOG_LEVEL": ("INFO", "logging level"),
    "ATLAS_MIN_GROUP_SIZE": ("5", "company counts and charts are withheld for smaller groups"),
    "ATLAS_VISIBILITY_LOCKED": ("0", "1 locks the visibility profiles for every company"),
    "ATLAS_VISIBILITY_PROFILES": ("lms/companies/visibility_profiles.toml",
                                  "TOML file with the visibility profiles"),
    "ATLAS_FUNDING_PROVIDER_ID": ("", "training provider's approval number on funding packs"),
    "ATLAS_FUNDING_MEASURE_NUMBERS": ("", "measure approval numbers: slug=number,slug=number"),
    "ATLAS_API_RATE_LIMIT": ("300 per minute", "REST API rate limit per token"),
    "ATLAS_STUDIO_ZIP_MAX_TOTAL_MB": ("200", "a studio zip upload unpacked, all files together"),
    "ATLAS_STUDIO_ZIP_MAX_FILE_MB": ("50", "one file of a studio zip upload, unpacked (max. 50)"),
    "ATLAS_STUDIO_ZIP_MAX_RATIO": ("100", "highest compression ratio of a zip member over 1 MB"),
    "ATLAS_EXTERNAL_IMAGE_HOSTS": ("", "hosts lessons may show images from: host,host or *"),
    "ATLAS_REMEMBER_DAYS": ("30", "days a 'stay signed in' login lasts"),
    "ATLAS_SESSION_IDLE_HOURS": ("8", "hours without a request that end any other login"),
    "ATLAS_LOGIN_LOCKOUT_AFTER": ("5", "failed logins for one account before it is locked"),
    "ATLAS_LOGIN_LOCKOUT_MAX_MINUTES": ("15", "longest lockout (1 minute, doubling per failure)"),
    "ATLAS_LOGIN_IP_FAILURES": ("100", "failed logins from one address within 15 minutes"),
    "ATLAS_SECURITY_CONTACT": ("", "where to report vulnerabilities (mailto: or https: URL)"),
    "ATLAS_PROXY_COUNT": ("0", "reverse proxies in front whose X-Forwarded-For/-Proto to trust"),
    "ATLAS_2FA_REQUIRED_ROLES": ("", "roles that must use a second factor: "
                                 "admin,trainer,company_manager,works_council"),
    "ATLAS_START_CODE_DAYS": ("30", "days the start code of a shop-floor login card works"),
}


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def read_or_create_secret(instance_path: Path, name: str, nbytes: int = 32) -> str:
    """Return the secret stored in ``instance/<name>``, creating it on first use.

    The file is written with mode 0600 so that only the service user can read it.
    """
    instance_path.mkdir(parents=True, exist_ok=True)
    path = instance_path / name
    if path.exists():
        return path.read_text().strip()
    value = secrets.token_urlsafe(nbytes)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


def build_config(instance_path: Path, env: dict | None = None) -> dict:
    """Build the configuration mapping from the environment and the instance folder."""
    env = os.environ if env is None else env
    database_url = env.get("ATLAS_DATABASE_URL") or f"sqlite:///{instance_path / 'atlas.db'}"
    secret_key = env.get("ATLAS_SECRET_KEY") or read_or_create_secret(instance_path, "secret_key")
    secure = _bool(env.get("ATLAS_SECURE_COOKIES", "0"))
    redis_url = env.get("ATLAS_REDIS_URL", "").strip()
    return {
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # A ping per checkout finds connections a database server dropped; an SQLite file
        # has no server, and the ping would be one more statement on every request.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not database_url.startswith("sqlite")},
        "ATLAS_BASE_URL": env.get("ATLAS_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "ATLAS_SELF_REGISTRATION": _bool(env.get("ATLAS_SELF_REGISTRATION", "1")),
        "ATLAS_PLUGINS": [p.strip() for p in env.get("ATLAS_PLUGINS", "").split(",") if p.strip()],
        "ATLAS_LOG_FORMAT": env.get("ATLAS_LOG_FORMAT", "text"),
        "ATLAS_LOG_LEVEL": env.get("ATLAS_LOG_LEVEL", "INFO"),
        "MAIL_SERVER": env.get("ATLAS_MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("ATLAS_MAIL_PORT", "587")),
        "MAIL_USERNAME": env.get("ATLAS_MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("ATLAS_MAIL_PASSWORD", ""),
        "MAIL_SENDER": env.get("ATLAS_MAIL_SENDER", "ATLAS Campus <noreply@atlas-campus.example>"),
        "MAIL_FOLDER": str(instance_path / "mail"),
        "ATLAS_REDIS_URL": redis_url,
        "ATLAS_REDIS_KEY_PREFIX": env.get("ATLAS_REDIS_KEY_PREFIX", "atlas:"),
        # Shared by all workers: Redis when configured, else the database (never memory).
        "RATELIMIT_STORAGE_URI": (
            env.get("ATLAS_RATELIMIT_STORAGE_URL") or redis_url or "atlas+db://"
        ),
        "RATELIMIT_STORAGE_OPTIONS": {
            "key_prefix": env.get("ATLAS_REDIS_KEY_PREFIX", "atlas:") + "limits"
        } if redis_url else {},
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_ENABLED": _bool(env.get("ATLAS_RATELIMIT_ENABLED", "1")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 8,
        "WTF_CSRF_TIME_LIMIT": 60 * 60 * 8,
        "BABEL_DEFAULT_LOCALE": "de",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Berlin",
        "ATLAS_LANGUAGES": ["de", "en"],
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
        "ATLAS_MIN_GROUP_SIZE": int(env.get("ATLAS_MIN_GROUP_SIZE", "5")),
        "ATLAS_VISIBILITY_LOCKED": _bool(env.get("ATLAS_VISIBILITY_LOCKED", "0")),
        "ATLAS_VISIBILITY_PROFILES": env.get("ATLAS_VISIBILITY_PROFILES", ""),
        "ATLAS_FUNDING_PROVIDER_ID": env.get("ATLAS_FUNDING_PROVIDER_ID", ""),
        "ATLAS_FUNDING_MEASURE_NUMBERS": env.get("ATLAS_FUNDING_MEASURE_NUMBERS", ""),
        "ATLAS_API_RATE_LIMIT": env.get("ATLAS_API_RATE_LIMIT", "300 per minute"),
        "ATLAS_STUDIO_ZIP_MAX_TOTAL_MB": env.get("ATLAS_STUDIO_ZIP_MAX_TOTAL_MB", "200"),
        "ATLAS_STUDIO_ZIP_MAX_FILE_MB": env.get("ATLAS_STUDIO_ZIP_MAX_FILE_MB", "50"),
        "ATLAS_STUDIO_ZIP_MAX_RATIO": env.get("ATLAS_STUDIO_ZIP_MAX_RATIO", "100"),
        "ATLAS_EXTERNAL_IMAGE_HOSTS": [h.strip().lower() for h in env.get(
            "ATLAS_EXTERNAL_IMAGE_HOSTS", "").split(",") if h.strip()],
        "ATLAS_REMEMBER_DAYS": int(env.get("ATLAS_REMEMBER_DAYS", "30")),
        "ATLAS_SESSION_IDLE_HOURS": int(env.get("ATLAS_SESSION_IDLE_HOURS", "8")),
        "ATLAS_LOGIN_LOCKOUT_AFTER": int(env.get("ATLAS_LOGIN_LOCKOUT_AFTER", "5")),
        "ATLAS_LOGIN_LOCKOUT_MAX_MINUTES": int(env.get("ATLAS_LOGIN_LOCKOUT_MAX_MINUTES", "15")),
        "ATLAS_LOGIN_IP_FAILURES": int(env.get("ATLAS_LOGIN_IP_FAILURES", "100")),
        "ATLAS_SECURITY_CONTACT": env.get("ATLAS_SECURITY_CONTACT", "").strip(),
        "ATLAS_PROXY_COUNT": int(env.get("ATLAS_PROXY_COUNT", "0")),
        "ATLAS_2FA_REQUIRED_ROLES": [
            r.strip() for r in env.get("ATLAS_2FA_REQUIRED_ROLES", "").split(",") if r.strip()
        ],
        "ATLAS_START_CODE_DAYS": int(env.get("ATLAS_START_CODE_DAYS", "30")),
    }
