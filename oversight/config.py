"""Configuration: defaults -> instance/config.py -> OVERSIGHT_* environment -> test config.

Every setting is documented in README.md and .env.example. Environment values are parsed as
JSON when possible (``OVERSIGHT_LOGIN_MAX_ATTEMPTS=5`` becomes an int), as Flask does.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os

from flask import Flask

INSECURE_DEFAULT_KEY = "dev-only-insecure-key"


class Defaults:
    ENV_NAME = "development"  # OVERSIGHT_ENV_NAME=production enables the strict checks
    SECRET_KEY = INSECURE_DEFAULT_KEY
    DATABASE_URL: str | None = None  # default: SQLite file in instance/
    REDIS_URL: str | None = None  # set to run background jobs on Redis
    JOBS_IMMEDIATE = False  # run jobs in-process (tests)
    JOB_STALE_MINUTES = 10  # a running job without a heartbeat this long is "interrupted"
    JOB_HEARTBEAT_SECONDS = 30  # how often a running job stamps its heartbeat
    SQLITE_BUSY_TIMEOUT_SECONDS = 15  # SQLite: wait this long for a lock before failing
    MAX_UPLOAD_MB = 20
    # imported files (oversight/tabular.py), checked before a file is parsed
    IMPORT_MAX_FILE_MB = 100
    IMPORT_MAX_UNCOMPRESSED_MB = 200
    IMPORT_MAX_ROWS = 1_000_000
    IMPORT_MAX_CELLS = 20_000_000
    IMPORT_MAX_CELL_CHARS = 32_767
    LOGIN_MAX_ATTEMPTS = 5
    LOGIN_WINDOW_MINUTES = 15
    LOGIN_DELAY_SECONDS = 30  # first delay once the free failures are used; doubles per failure
    LOGIN_MAX_DELAY_SECONDS = 900
    SESSION_HOURS = 8  # absolute: a session ends this long after login, whatever happens
    SESSION_IDLE_MINUTES = 30  # a session ends after this long without a request
    # argon2id cost (argon2-cffi's defaults, RFC 9106's low-memory choice); production refuses
    # less than OWASP's minimum (19 MiB, 2 passes). Tests lower it: hashing is most of their time.
    PASSWORD_HASH_TIME_COST = 3
    PASSWORD_HASH_MEMORY_KIB = 65_536
    AUDIT_KEY: str | None = None  # HMAC key of the audit chain; required in production
    AUDIT_ANCHOR_PATH: str | None = None  # default: instance/audit-anchors.log
    AUDIT_ANCHOR_MINUTE = 5  # the worker writes an anchor every hour at this minute
    AUDIT_HIGHWATER_PATH: str | None = None  # default: instance/audit-highwater.json
    PAGE_SIZE = 25
    DEFAULT_LOCALE = "sv"
    REGISTRY_MODE = "offline"  # offline | http
    PROXY_COUNT = 0  # reverse proxies in front of the app (trust that many X-Forwarded-* hops)
    WTF_CSRF_TIME_LIMIT = None  # tie the token to the session rather than a clock
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    LOG_FORMAT = "text"  # text | json (one JSON object per line, for a log shipper)
    LOG_LEVEL = "INFO"
    HEALTH_WORKER_STALE_MINUTES = 5  # /health: a worker silent this long is not alive
    BACKUP_DIR: str | None = None  # flask backup create: default instance/backups


def load_config(app: Flask, test_config: dict | None) -> None:
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)  # instance/config.py
    app.config.from_prefixed_env("OVERSIGHT")
    if test_config:
        app.config.update(test_config)
    _derive(app)
    _refuse_insecure_production(app)
    app.config["AUDIT_KEY_BYTES"] = _audit_key(app)


def _derive(app: Flask) -> None:
    cfg = app.config
    url = cfg.get("DATABASE_URL") or "sqlite:///" + os.path.join(app.instance_path, "oversight.db")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    cfg["SQLALCHEMY_DATABASE_URI"] = url
    cfg["MAX_CONTENT_LENGTH"] = int(cfg["MAX_UPLOAD_MB"]) * 1024 * 1024
    production = cfg["ENV_NAME"] == "production"
    cfg["SESSION_COOKIE_SECURE"] = production
    cfg["SESSION_COOKIE_HTTPONLY"] = True
    cfg["SESSION_COOKIE_SAMESITE"] = "Lax"
    cfg["REMEMBER_COOKIE_SECURE"] = production
    cfg["REMEMBER_COOKIE_HTTPONLY"] = True
    from datetime import timedelta

    # Sessions are browser sessions (not permanent), so Flask-Login's "strong" protection really
    # ends a session whose address or browser changed; oversight/sessions.py enforces the
    # absolute and idle limits on every request. The cookie signature expires with the limit.
    cfg["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=float(cfg["SESSION_HOURS"]))


def _audit_key(app: Flask) -> bytes:
    key = app.config.get("AUDIT_KEY")
    if key and (len(str(key)) >= 32 or app.config["ENV_NAME"] != "production"):
        return str(key).encode()
    if app.config["ENV_NAME"] == "production":
        raise RuntimeError(
            "OVERSIGHT_AUDIT_KEY must be set in production (at least 32 characters): the audit chain's HMAC key, kept "
            "outside the database (python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    if not app.config.get("TESTING"):
        logging.getLogger("oversight.audit").warning(
            "OVERSIGHT_AUDIT_KEY is not set: the audit chain's key is derived from the secret "
            "key (development only).")
    secret = str(app.config.get("SECRET_KEY") or "").encode()
    return hmac.new(secret, b"oversight-audit-chain", hashlib.sha256).digest()


def _refuse_insecure_production(app: Flask) -> None:
    if app.config["ENV_NAME"] != "production":
        return
    key = app.config.get("SECRET_KEY") or ""
    if key == INSECURE_DEFAULT_KEY or len(key) < 32:
        raise RuntimeError(
            "OVERSIGHT_SECRET_KEY must be set to a random value of at least 32 characters "
            "in production (python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    if (int(app.config["PASSWORD_HASH_TIME_COST"]) < 2
            or int(app.config["PASSWORD_HASH_MEMORY_KIB"]) < 19_456):
        raise RuntimeError(
            "OVERSIGHT_PASSWORD_HASH_TIME_COST must be at least 2 and "
            "OVERSIGHT_PASSWORD_HASH_MEMORY_KIB at least 19456 in production (OWASP's minimum "
            "for argon2id).")
