"""Configuration from the environment.

Every setting has a default that lets a newcomer start with nothing but Python: an SQLite file and secrets
generated into ``instance/`` on first start. The README lists every variable.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(url: str) -> str:
    """Accept the usual ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    INSTANCE_PATH = Path(os.environ.get("PORTAL_INSTANCE_PATH", ROOT / "instance")).resolve()
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_PATH / 'portal.sqlite3'}"
    )
    # hide_parameters: an error message or log line never carries a statement's values (receipt hashes, typed
    # addresses, ciphertext). The per-database timeouts below are added by portal.core.db.engine_options.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}
    # Bounded waits, so an outage or a long lock answers 503 in seconds instead of hanging (core/errors.py).
    DB_BUSY_TIMEOUT_SECONDS = float(os.environ.get("DB_BUSY_TIMEOUT_SECONDS", "5"))  # SQLite: wait for the writer
    DB_CONNECT_TIMEOUT_SECONDS = int(os.environ.get("DB_CONNECT_TIMEOUT_SECONDS", "5"))  # PostgreSQL
    DB_STATEMENT_TIMEOUT_SECONDS = int(os.environ.get("DB_STATEMENT_TIMEOUT_SECONDS", "30"))  # PostgreSQL; 0: none
    DB_LOCK_TIMEOUT_SECONDS = int(os.environ.get("DB_LOCK_TIMEOUT_SECONDS", "5"))  # PostgreSQL; 0: none

    # Secrets: given by the environment in production, generated into instance/ otherwise (core/secrets.py).
    SECRET_KEY = os.environ.get("SECRET_KEY")
    RECEIPT_KEY = os.environ.get("RECEIPT_KEY")
    # Comma-separated Fernet keys, newest first; see README "Key management".
    ENCRYPTION_KEYS = os.environ.get("ENCRYPTION_KEYS")

    ATTACHMENT_PATH = Path(os.environ.get("ATTACHMENT_PATH", INSTANCE_PATH / "attachments"))
    # Where encrypted files go (core/storage.py): "database" (encrypted chunks in the database, shared by every app
    # server, in its backups) or "folder" (ATTACHMENT_PATH). Empty: "database" on PostgreSQL, "folder" on SQLite.
    ATTACHMENT_STORE = os.environ.get("ATTACHMENT_STORE", "")

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Secure cookies whenever the portal is served over HTTPS (the default in production).
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    # Pages rendered once and kept per process (core/page_cache.py): the public register's addresses are many.
    PAGE_CACHE_ENTRIES = int(os.environ.get("PAGE_CACHE_ENTRIES", "1024"))

    WTF_CSRF_TIME_LIMIT = 4 * 3600  # a person on a slow phone may take hours to write their grievance

    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    # The JSON API (portal/api): flask-smorest's settings, the limit per token (or per client without one) and the
    # origins allowed to call it from a browser (comma-separated; none by default).
    API_TITLE = "Covenant grievance portal API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")
    API_CORS_ORIGINS = frozenset(filter(None, os.environ.get("API_CORS_ORIGINS", "").replace(" ", "").split(",")))
    # Background tasks (portal/core/tasks.py): unset, a SQLite file in the instance folder; redis://… in production.
    TASK_QUEUE_URL = os.environ.get("TASK_QUEUE_URL", "")
    # Webhooks (portal/api/webhooks.py) go to https URLs on public addresses only. Plain http (a receiver on a
    # private network behind TLS termination) and loopback (a receiver on this machine) only when allowed here.
    WEBHOOK_ALLOW_HTTP = _env_bool("WEBHOOK_ALLOW_HTTP", False)
    WEBHOOK_ALLOW_LOOPBACK = _env_bool("WEBHOOK_ALLOW_LOOPBACK", False)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_RECEIPT_CLIENT = os.environ.get("RATELIMIT_RECEIPT_CLIENT", "5 per minute;30 per hour")
    RATELIMIT_RECEIPT_GLOBAL = os.environ.get("RATELIMIT_RECEIPT_GLOBAL", "300 per minute")
    RATELIMIT_INTAKE_CLIENT = os.environ.get("RATELIMIT_INTAKE_CLIENT", "10 per hour;30 per day")
    # Replies of receipt holders: per case (every browser holding its receipt together) and per client.
    RATELIMIT_REPLY_CASE = os.environ.get("RATELIMIT_REPLY_CASE", "10 per hour;30 per day")
    RATELIMIT_REPLY_CLIENT = os.environ.get("RATELIMIT_REPLY_CLIENT", "20 per hour;60 per day")
    # Evidence stored per case, all entries together (grievance, replies, company responses).
    CASE_STORAGE_CAP_MB = float(os.environ.get("CASE_STORAGE_CAP_MB", "200"))

    # Uploads (docs/architecture.md §8): 5 files, 20 MB each, 50 MB in all.
    UPLOAD_MAX_FILES = 5
    UPLOAD_MAX_FILE_BYTES = 20 * 1024 * 1024
    UPLOAD_MAX_TOTAL_BYTES = 50 * 1024 * 1024
    MAX_CONTENT_LENGTH = UPLOAD_MAX_TOTAL_BYTES + 1024 * 1024  # room for the text fields
    # Photos (docs/architecture.md §8, portal/media/photos.py): refused from their header above MEDIA_MAX_PIXELS,
    # before any decoding (a decompression bomb is a small file with huge dimensions). A JPEG is decoded at a
    # reduced scale; a PNG or WebP is decoded whole, so above MEDIA_MAX_DECODED_PIXELS it is refused too. Stored
    # photos are at most MEDIA_PHOTO_MAX_SIDE pixels on the long side. MEDIA_CONCURRENCY bounds the files cleaned at
    # once per process, so parallel uploads cannot multiply the memory; ffmpeg gets MEDIA_FFMPEG_TIMEOUT seconds.
    MEDIA_MAX_PIXELS = int(os.environ.get("MEDIA_MAX_PIXELS", str(50_000_000)))
    MEDIA_MAX_DECODED_PIXELS = int(os.environ.get("MEDIA_MAX_DECODED_PIXELS", str(10_000_000)))
    MEDIA_PHOTO_MAX_SIDE = int(os.environ.get("MEDIA_PHOTO_MAX_SIDE", "2048"))
    MEDIA_CONCURRENCY = int(os.environ.get("MEDIA_CONCURRENCY", "2"))
    # Photo pixels decoded at once per process: a photo at MEDIA_MAX_DECODED_PIXELS holds the whole budget, so two
    # large PNGs never sit in one worker's memory together (measured: about 90 MB each at 12 megapixels; the
    # default 10 keeps a worker under 200 MB with four at once, bench/media_bomb.py).
    MEDIA_DECODE_BUDGET_PIXELS = int(os.environ.get("MEDIA_DECODE_BUDGET_PIXELS", str(10_000_000)))
    MEDIA_FFMPEG_TIMEOUT = int(os.environ.get("MEDIA_FFMPEG_TIMEOUT", "30"))

    FOLLOW_UP_IDLE_MINUTES = 30
    # A receipt holder's session ends this long after the receipt was entered, however active (a shared phone).
    FOLLOW_UP_SESSION_HOURS = int(os.environ.get("FOLLOW_UP_SESSION_HOURS", "2"))

    # HSTS is always sent over HTTPS; these widen it to every subdomain and ask browsers to preload it. Only turn
    # them on when every subdomain of the portal's domain is served over HTTPS.
    HSTS_INCLUDE_SUBDOMAINS = _env_bool("HSTS_INCLUDE_SUBDOMAINS", False)
    HSTS_PRELOAD = _env_bool("HSTS_PRELOAD", False)

    COMPRESS_STREAMS = False  # see buffer_static_files in core/setup.py
    # core/security.py decides per response: pages of a signed-in session are never compressed (BREACH).
    COMPRESS_REGISTER = False
    COMPRESS_MIMETYPES = ["text/html", "text/css", "application/json", "image/svg+xml"]

    # The legal clocks in days (docs/architecture.md §2). The procedure page and the workflow both read these.
    CLOCK_DAYS = {
        "acknowledge": int(os.environ.get("CLOCK_ACKNOWLEDGE_DAYS", "7")),
        "admissibility": int(os.environ.get("CLOCK_ADMISSIBILITY_DAYS", "42")),
        "company_response": int(os.environ.get("CLOCK_COMPANY_RESPONSE_DAYS", "28")),
        "company_extension": int(os.environ.get("CLOCK_COMPANY_EXTENSION_DAYS", "14")),
        "feedback": int(os.environ.get("CLOCK_FEEDBACK_DAYS", "90")),
        "decision": int(os.environ.get("CLOCK_DECISION_DAYS", "42")),
        "review_window": int(os.environ.get("CLOCK_REVIEW_WINDOW_DAYS", "30")),
        "monitoring_first": int(os.environ.get("CLOCK_MONITORING_FIRST_DAYS", "182")),
        "monitoring_second": int(os.environ.get("CLOCK_MONITORING_SECOND_DAYS", "365")),
        "info_request": int(os.environ.get("CLOCK_INFO_REQUEST_DAYS", "30")),
    }
    CLOCK_URGENT_TRIAGE_HOURS = int(os.environ.get("CLOCK_URGENT_TRIAGE_HOURS", "48"))
    # Grievance categories that make a case urgent at intake (besides the children and retaliation boxes):
    # comma-separated values of portal.cases.models.Category; the app refuses to start with an unknown one.
    URGENT_CATEGORIES = frozenset(
        item.strip()
        for item in os.environ.get("URGENT_CATEGORIES", "child_labour,retaliation").split(",")
        if item.strip()
    )

    PORTAL_DEMO = _env_bool("PORTAL_DEMO", False)

    # A person to reach at the secretariat (portal/core/contact.py): each channel is shown only when set. Numbers in
    # international form ("+243 800 000 111"); the postal address's lines separated by "|"; the hours as free text.
    PORTAL_CONTACT_PHONE = os.environ.get("PORTAL_CONTACT_PHONE", "")
    PORTAL_CONTACT_SMS = os.environ.get("PORTAL_CONTACT_SMS", "")
    PORTAL_CONTACT_WHATSAPP = os.environ.get("PORTAL_CONTACT_WHATSAPP", "")
    PORTAL_CONTACT_EMAIL = os.environ.get("PORTAL_CONTACT_EMAIL", "")
    PORTAL_CONTACT_POSTAL = os.environ.get("PORTAL_CONTACT_POSTAL", "")
    PORTAL_CONTACT_HOURS = os.environ.get("PORTAL_CONTACT_HOURS", "")

    # Staff sessions (docs/architecture.md §4): both factors, idle timeout, a lifetime from login however active,
    # lock-out after repeated failures (per account and client, doubling with every further failure).
    STAFF_IDLE_MINUTES = int(os.environ.get("STAFF_IDLE_MINUTES", "30"))
    STAFF_SESSION_HOURS = int(os.environ.get("STAFF_SESSION_HOURS", "12"))
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", "15"))
    RATELIMIT_LOGIN_CLIENT = os.environ.get("RATELIMIT_LOGIN_CLIENT", "10 per minute;100 per day")

    # Email. Without MAIL_SERVER, mails are written to instance/mail_outbox/ and logged (development).
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Covenant grievance portal <noreply@localhost>")
    # Where links in emails point (emails are sent from cron too, outside any request).
    PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:5000")
    REMINDER_DAYS_BEFORE = int(os.environ.get("REMINDER_DAYS_BEFORE", "3"))
    # A staff member hears about new replies on a case at most once per interval (a flood sends one mail).
    STAFF_NOTICE_INTERVAL_MINUTES = int(os.environ.get("STAFF_NOTICE_INTERVAL_MINUTES", "60"))

    # Pattern alerts (portal/cases/alerts.py): this many grievances about one site, one organisation, or one
    # category + commodity + country, filed within this many days, raise an alert for the secretariat. The alert
    # names the covenant members up to ALERT_DOWNSTREAM_HOPS supply relations downstream.
    ALERT_THRESHOLD = int(os.environ.get("ALERT_THRESHOLD", "3"))
    ALERT_WINDOW_DAYS = int(os.environ.get("ALERT_WINDOW_DAYS", "90"))
    ALERT_DOWNSTREAM_HOPS = int(os.environ.get("ALERT_DOWNSTREAM_HOPS", "3"))
    # Duplicate suggestions (portal/cases/duplicates.py): a new grievance is compared with at most this many open
    # cases (every open case naming one of its sites or its respondent, then the newest of its country filed within the
    # lookback); a pair
    # scoring at least DUPLICATE_MIN_SCORE (of 100) is suggested, at most DUPLICATE_MAX_SUGGESTIONS per case.
    DUPLICATE_CANDIDATES = int(os.environ.get("DUPLICATE_CANDIDATES", "50"))
    DUPLICATE_LOOKBACK_DAYS = int(os.environ.get("DUPLICATE_LOOKBACK_DAYS", "365"))
    DUPLICATE_MIN_SCORE = int(os.environ.get("DUPLICATE_MIN_SCORE", "35"))
    DUPLICATE_MAX_SUGGESTIONS = int(os.environ.get("DUPLICATE_MAX_SUGGESTIONS", "5"))


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    RECEIPT_KEY = "test-receipt-key"
    WTF_CSRF_ENABLED = False
    PASSWORD_HASH_PROFILE = "CHEAPEST"  # argon2-cffi's test profile; production keeps RFC 9106 low-memory
    RATELIMIT_STORAGE_URI = "memory://"
    # Limits stay on (the code path is real) but high; throttling tests lower them.
    RATELIMIT_RECEIPT_CLIENT = "10000 per minute"
    RATELIMIT_RECEIPT_GLOBAL = "10000 per minute"
    RATELIMIT_INTAKE_CLIENT = "10000 per minute"
    RATELIMIT_LOGIN_CLIENT = "10000 per minute"
    API_RATE_LIMIT = "10000 per minute"
    RATELIMIT_REPLY_CASE = "10000 per minute"
    RATELIMIT_REPLY_CLIENT = "10000 per minute"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    TASK_QUEUE_URL = "memory://"  # the tests run what is queued in-process (TaskQueue.run_pending)
    WEBHOOK_ALLOW_LOOPBACK = True  # the tests' receivers listen on 127.0.0.1
