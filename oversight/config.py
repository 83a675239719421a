"""Configuration: defaults -> instance/config.py -> OVERSIGHT_* environment -> test config.

Every setting is documented in README.md and .env.example. Environment values are parsed as
JSON when possible (``OVERSIGHT_LOGIN_MAX_ATTEMPTS=5`` becomes an int), as Flask does.
"""
from __future__ import annotations

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
    LOGIN_MAX_ATTEMPTS = 5
    LOGIN_WINDOW_MINUTES = 15
    SESSION_HOURS = 8
    PAGE_SIZE = 25
    DEFAULT_LOCALE = "sv"
    REGISTRY_MODE = "offline"  # offline | http
    PROXY_COUNT = 0  # reverse proxies in front of the app (trust that many X-Forwarded-* hops)
    WTF_CSRF_TIME_LIMIT = None  # tie the token to the session rather than a clock
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}


def load_config(app: Flask, test_config: dict | None) -> None:
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)  # instance/config.py
    app.config.from_prefixed_env("OVERSIGHT")
    if test_config:
        app.config.update(test_config)
    _derive(app)
    _refuse_insecure_production(app)


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

    cfg["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=float(cfg["SESSION_HOURS"]))


def _refuse_insecure_production(app: Flask) -> None:
    key = app.config.get("SECRET_KEY") or ""
    if app.config["ENV_NAME"] == "production" and (key == INSECURE_DEFAULT_KEY or len(key) < 32):
        raise RuntimeError(
            "OVERSIGHT_SECRET_KEY must be set to a random value of at least 32 characters "
            "in production (python -c 'import secrets; print(secrets.token_hex(32))')."
        )
