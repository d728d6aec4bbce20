"""Configuration: documented defaults, overridden by ATLAS_* environment variables.

Secrets never live in the repository: the secret key is generated into the
shared folder (``ATLAS_SHARED_DIR``, default the instance folder) on first run and read
from there afterwards. Several app nodes point ``ATLAS_SHARED_DIR`` at one shared folder
or set ``ATLAS_SECRET_KEY``; with ``ATLAS_ENVIRONMENT=production`` the key must be set.
"""

import os
import secrets
import threading
from pathlib import Path

#: Every setting the platform reads from the environment, with its default and meaning.
#: docs/configuration.md is generated from the same table by hand; keep them in step.
ENVIRONMENT = {
    "ATLAS_DATABASE_URL": ("sqlite:///<instance>/atlas.db", "SQLAlchemy URL of the database"),
    "ATLAS_SECRET_KEY": ("generated into <shared>/secret_key",
                         "Flask secret key; required when ATLAS_ENVIRONMENT=production"),
    "ATLAS_ENVIRONMENT": ("development", "production refuses to start without ATLAS_SECRET_KEY"),
    "ATLAS_INSTANCE_DIR": ("instance/ next to the lms package",
                           "this node's instance folder (mail folder, caches)"),
    "ATLAS_SHARED_DIR": ("the instance folder",
                         "folder every app node shares: secret key, certificate signing key"),
    "ATLAS_BASE_URL": ("http://127.0.0.1:5000", "public URL, used in mails and xAPI ids"),
    "ATLAS_MAIL_SERVER": ("", "SMTP host; empty writes mails to instance/mail/"),
    "ATLAS_MAIL_PORT": ("587", "SMTP port"),
    "ATLAS_MAIL_USERNAME": ("", "SMTP user"),
    "ATLAS_MAIL_PASSWORD": ("", "SMTP password"),
    "ATLAS_MAIL_SENDER": ("ATLAS Campus <noreply@atlas-campus.example>", "From: header"),
    "ATLAS_MAIL_STARTTLS": ("1", "1 sends STARTTLS before login (0 only for a local relay)"),
    "ATLAS_MAIL_MAX_ATTEMPTS": ("5", "tries per mail before it becomes a dead letter on /admin"),
    "ATLAS_MAIL_RETRY_SECONDS": ("60", "wait before the second try of a mail; doubles each try"),
    "ATLAS_JOB_TIMEOUT": ("600", "seconds a background job may run on the worker"),
    "ATLAS_EXPORT_INLINE_MAX_ROWS": ("5000", "larger company exports are prepared in the "
                                     "background and offered as a download link"),
    "ATLAS_DOWNLOAD_DAYS": ("7", "days a prepared download stays available to its owner"),
    "ATLAS_CERTIFICATE_RENDER_AHEAD": ("1 with ATLAS_REDIS_URL, else 0",
                                       "render certificate PDFs in a job when issued"),
    "ATLAS_METRICS_TOKEN": ("", "bearer token for /metrics; empty: loopback requests only"),
    "ATLAS_SCHEDULE_IN_WEB": ("1", "without Redis, web processes start due schedules "
                              "(0 when `atlas scheduler` runs instead)"),
    "ATLAS_SELF_REGISTRATION": ("1", "1 lets anyone register, 0 allows invitations only"),
    "ATLAS_REDIS_URL": ("", "Redis for shared counters and the job queue; empty: database "
                        "counters, jobs inline"),
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
    "ATLAS_STUDIO_IMAGE_MAX_BYTES": ("5242880", "an image pasted into the studio editor, bytes"),
    "ATLAS_PACKAGE_MAX_TOTAL_MB": ("300", "a SCORM/cmi5 package zip unpacked, all files together"),
    "ATLAS_PACKAGE_MAX_FILES": ("1500", "most files in a SCORM/cmi5 package zip"),
    "ATLAS_PACKAGE_MAX_RATIO": ("200", "highest compression ratio of a package file over 1 MB"),
    "ATLAS_ANSWER_FILE_MAX_BYTES": ("10485760", "largest photo/PDF a learner attaches to an "
                                    "open answer (bytes)"),
    "ATLAS_EXTERNAL_IMAGE_HOSTS": ("", "hosts lessons may show images from: host,host or *"),
    "ATLAS_REMEMBER_DAYS": ("30", "days a 'stay signed in' login lasts"),
    "ATLAS_SESSION_IDLE_HOURS": ("8", "hours without a request that end any other login"),
    "ATLAS_LOGIN_LOCKOUT_AFTER": ("5", "failed logins for one account before it is locked"),
    "ATLAS_LOGIN_LOCKOUT_MAX_MINUTES": ("15", "longest lockout (1 minute, doubling per failure)"),
    "ATLAS_LOGIN_IP_FAILURES": ("100", "failed logins from one address within 15 minutes"),
    "ATLAS_SECURITY_CONTACT": ("", "where to report vulnerabilities (mailto: or https: URL)"),
    "ATLAS_PROXY_COUNT": ("0", "reverse proxies in front whose X-Forwarded-For/-Proto to trust"),
    "ATLAS_2FA_REQUIRED_ROLES": ("admin", "roles that must use a second factor: "
                                 "admin,trainer,company_manager,works_council; set it "
                                 "empty to require none (`make run` does, for the demo)"),
    "ATLAS_START_CODE_DAYS": ("30", "days the start code of a shop-floor login card works"),
    "ATLAS_PWNED_RANGE_URL": ("", "k-anonymity range API for breached passwords, e.g. "
                              "https://api.pwnedpasswords.com/range (empty: offline list only)"),
    "ATLAS_PWNED_TIMEOUT_SECONDS": ("2", "give up on the range API after this; accept (fail open)"),
}


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


class ConfigurationError(RuntimeError):
    """The configuration is not fit to start (e.g. production without a secret key)."""


def create_file_once(path: Path, data: bytes) -> None:
    """Write ``path`` (mode 0600) unless it exists, atomically: readers never see a part.

    The bytes go to a temporary file that is then hard-linked to ``path``; ``link`` fails
    when another process (or app node on a shared folder) made the file first, and that
    first file stays: two nodes starting at once end up with one and the same secret.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}."
                               f"{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        temporary.unlink()


def read_or_create_secret(folder: Path, name: str, nbytes: int = 32) -> str:
    """Return the secret stored in ``folder/<name>``, creating it on first use.

    The file is written with mode 0600 so that only the service user can read it.
    """
    path = folder / name
    if not path.exists():
        create_file_once(path, secrets.token_urlsafe(nbytes).encode("ascii"))
    return path.read_text().strip()


def shared_dir(instance_path: Path, env) -> Path:
    return Path(env.get("ATLAS_SHARED_DIR") or instance_path)


def build_config(instance_path: Path, env: dict | None = None) -> dict:
    """Build the configuration mapping from the environment and the instance folder."""
    env = os.environ if env is None else env
    database_url = env.get("ATLAS_DATABASE_URL") or f"sqlite:///{instance_path / 'atlas.db'}"
    environment = env.get("ATLAS_ENVIRONMENT", "development").strip().lower() or "development"
    shared = shared_dir(instance_path, env)
    if environment == "production" and len(env.get("ATLAS_SECRET_KEY", "").strip()) < 32:
        raise ConfigurationError(
            "ATLAS_ENVIRONMENT=production needs ATLAS_SECRET_KEY (at least 32 characters, "
            "the same on every app node); generate one with: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    secret_key = env.get("ATLAS_SECRET_KEY") or read_or_create_secret(shared, "secret_key")
    secure = _bool(env.get("ATLAS_SECURE_COOKIES", "0"))
    redis_url = env.get("ATLAS_REDIS_URL", "").strip()
    return {
        "SECRET_KEY": secret_key,
        "ATLAS_ENVIRONMENT": environment,
        "ATLAS_INSTANCE_DIR": ("instance/ next to the lms package",
                           "this node's instance folder (mail folder, caches)"),
    "ATLAS_SHARED_DIR": str(shared),
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
        "MAIL_STARTTLS": _bool(env.get("ATLAS_MAIL_STARTTLS", "1")),
        "ATLAS_JOB_RETRIES": {"mail.send": (int(env.get("ATLAS_MAIL_MAX_ATTEMPTS", "5")),
                                            float(env.get("ATLAS_MAIL_RETRY_SECONDS", "60")))},
        "ATLAS_JOB_TIMEOUT": int(env.get("ATLAS_JOB_TIMEOUT", "600")),
        "ATLAS_EXPORT_INLINE_MAX_ROWS": int(env.get("ATLAS_EXPORT_INLINE_MAX_ROWS", "5000")),
        "ATLAS_DOWNLOAD_DAYS": int(env.get("ATLAS_DOWNLOAD_DAYS", "7")),
        "ATLAS_CERTIFICATE_RENDER_AHEAD": _bool(
            env.get("ATLAS_CERTIFICATE_RENDER_AHEAD", "1" if redis_url else "0")),
        "ATLAS_METRICS_TOKEN": env.get("ATLAS_METRICS_TOKEN", "").strip(),
        "ATLAS_SCHEDULE_IN_WEB": _bool(env.get("ATLAS_SCHEDULE_IN_WEB", "1")),
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
        "ATLAS_STUDIO_IMAGE_MAX_BYTES": int(env.get("ATLAS_STUDIO_IMAGE_MAX_BYTES", "5242880")),
        "ATLAS_PACKAGE_MAX_TOTAL_MB": float(env.get("ATLAS_PACKAGE_MAX_TOTAL_MB", "300")),
        "ATLAS_PACKAGE_MAX_FILES": int(env.get("ATLAS_PACKAGE_MAX_FILES", "1500")),
        "ATLAS_PACKAGE_MAX_RATIO": float(env.get("ATLAS_PACKAGE_MAX_RATIO", "200")),
        "ATLAS_ANSWER_FILE_MAX_BYTES": int(env.get("ATLAS_ANSWER_FILE_MAX_BYTES", "10485760")),
        "ATLAS_EXTERNAL_IMAGE_HOSTS": [h.strip().lower() for h in env.get(
            "ATLAS_EXTERNAL_IMAGE_HOSTS", "").split(",") if h.strip()],
        "ATLAS_REMEMBER_DAYS": int(env.get("ATLAS_REMEMBER_DAYS", "30")),
        "ATLAS_SESSION_IDLE_HOURS": int(env.get("ATLAS_SESSION_IDLE_HOURS", "8")),
        "ATLAS_LOGIN_LOCKOUT_AFTER": int(env.get("ATLAS_LOGIN_LOCKOUT_AFTER", "5")),
        "ATLAS_LOGIN_LOCKOUT_MAX_MINUTES": int(env.get("ATLAS_LOGIN_LOCKOUT_MAX_MINUTES", "15")),
        "ATLAS_LOGIN_IP_FAILURES": int(env.get("ATLAS_LOGIN_IP_FAILURES", "100")),
        "ATLAS_SECURITY_CONTACT": env.get("ATLAS_SECURITY_CONTACT", "").strip(),
        "ATLAS_PROXY_COUNT": int(env.get("ATLAS_PROXY_COUNT", "0")),
        # Production default: administrators need a second factor. Set empty to require none.
        "ATLAS_2FA_REQUIRED_ROLES": [
            r.strip() for r in env.get("ATLAS_2FA_REQUIRED_ROLES", "admin").split(",")
            if r.strip()
        ],
        "ATLAS_START_CODE_DAYS": int(env.get("ATLAS_START_CODE_DAYS", "30")),
        "ATLAS_PWNED_RANGE_URL": env.get("ATLAS_PWNED_RANGE_URL", "").strip(),
        "ATLAS_PWNED_TIMEOUT_SECONDS": float(env.get("ATLAS_PWNED_TIMEOUT_SECONDS", "2")),
    }
