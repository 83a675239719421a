"""Configuration defaults and the adapter factory.

``REGISTRY_MODE=offline`` (the default) needs no network: Bolagsverket from the imported bulk
file and the bundled fixtures, sanctions from the fixtures plus the local list. ``http`` uses
the configured base URLs (Bolagsverket's API, a yente service). Skatteverket, Kronofogden and
IVO are always files and manual entries. HTTP adapters live as long as the process (one per
app and configuration), so Bolagsverket's access token is reused until it expires; it is kept
in memory only.
"""
from __future__ import annotations

import hashlib

from flask import Flask, current_app
from sqlalchemy.orm import Session

from registries.base import REGISTRIES, Adapter
from registries.http import HttpClient, HttpSettings, make_session

DEFAULTS = {
    "REGISTRY_TIMEOUT_CONNECT": 3.05,
    "REGISTRY_TIMEOUT_READ": 15.0,
    "REGISTRY_RETRIES": 3,
    "REGISTRY_BACKOFF_SECONDS": 0.5,
    "REGISTRY_RETRY_AFTER_MAX_SECONDS": 30.0,
    "REGISTRY_ABORT_AFTER_FAILURES": 5,
    "REGISTRY_CONCURRENCY": 4,
    "REGISTRY_DOCUMENT_MAX_MB": 10,
    "REGISTRY_BULK_CHUNK_ROWS": 5000,
    "BOLAGSVERKET_BASE_URL": "https://gw.api.bolagsverket.se/vardefulla-datamangder/v1",
    "BOLAGSVERKET_TOKEN_URL": "https://portal.api.bolagsverket.se/oauth2/token",  # nosec B105  # a URL, not a secret
    "BOLAGSVERKET_CLIENT_ID": None,
    "BOLAGSVERKET_CLIENT_SECRET": None,  # nosec B105  # no secret in code; set from the environment
    "BOLAGSVERKET_SCOPE": "vardefulla-datamangder:read vardefulla-datamangder:ping",
    "YENTE_URL": "http://127.0.0.1:8000",
    "YENTE_DATASET": "default",
    "YENTE_THRESHOLD": 0.7,
    "YENTE_API_KEY": None,
    "YENTE_BATCH_SIZE": 100,
}
# Per-registry settings (OVERSIGHT_REGISTRY_RATE_LIMIT__bolagsverket=0.5 sets one of them).
PER_REGISTRY = {
    # requests per second; Bolagsverket allows 60 per minute
    "REGISTRY_RATE_LIMIT": {"bolagsverket": 1.0, "sanctions": 10.0},
    # seconds a conclusive answer is reused instead of asking again (0 = always ask)
    "REGISTRY_CACHE_MAX_AGE": {"bolagsverket": 86400, "sanctions": 86400, "skatteverket": 0,
                               "kronofogden": 0, "ivo": 0},
    # (how old an answer may be is a dated rule value: registries.<registry>.max_age_days)
}
SECRET_SETTINGS = ("BOLAGSVERKET_CLIENT_SECRET", "YENTE_API_KEY")


def init_config(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    for key, defaults in PER_REGISTRY.items():
        configured = app.config.get(key)
        app.config[key] = {**defaults, **(configured if isinstance(configured, dict) else {})}


def per_registry(config, key: str, registry: str, default=0):
    return (config.get(key) or {}).get(registry, default)


def http_settings(config, registry: str) -> HttpSettings:
    return HttpSettings(
        connect_timeout=float(config["REGISTRY_TIMEOUT_CONNECT"]),
        read_timeout=float(config["REGISTRY_TIMEOUT_READ"]),
        retries=int(config["REGISTRY_RETRIES"]), backoff=float(config["REGISTRY_BACKOFF_SECONDS"]),
        retry_after_cap=float(config["REGISTRY_RETRY_AFTER_MAX_SECONDS"]),
        rate_limit=float(per_registry(config, "REGISTRY_RATE_LIMIT", registry, 0) or 0))


def pool_size(config) -> int:
    """Connections kept per HTTP registry: one per thread that may call it at once (the
    registries' batches, or the supplier screening's own SUPPLIERS_CHECK_CONCURRENCY), so every
    call reuses an open connection instead of opening and discarding one."""
    threads = max(int(config["REGISTRY_CONCURRENCY"]), int(config.get("SUPPLIERS_CHECK_CONCURRENCY") or 0))
    return threads + 2


def make_bolagsverket(config, session=None):
    from registries.bolagsverket import BolagsverketApi

    client = HttpClient("bolagsverket", session or make_session(pool_size(config)),
                        http_settings(config, "bolagsverket"))
    return BolagsverketApi(client, base_url=config["BOLAGSVERKET_BASE_URL"], token_url=config["BOLAGSVERKET_TOKEN_URL"],
                           client_id=config["BOLAGSVERKET_CLIENT_ID"],
                           client_secret=config["BOLAGSVERKET_CLIENT_SECRET"], scope=config["BOLAGSVERKET_SCOPE"])


def make_yente(config, session=None):
    from registries.sanctions import YenteClient

    client = HttpClient("sanctions", session or make_session(pool_size(config)),
                        http_settings(config, "sanctions"))
    return YenteClient(client, base_url=config["YENTE_URL"], dataset=config["YENTE_DATASET"],
                       threshold=config["YENTE_THRESHOLD"], api_key=config["YENTE_API_KEY"],
                       batch_size=config["YENTE_BATCH_SIZE"])


def _process_wide(app: Flask, kind: str, factory):
    """One HTTP adapter per app, kind and configuration (tests change the configuration)."""
    relevant = sorted((k, str(v)) for k, v in app.config.items()
                      if k.startswith(("REGISTRY_", "BOLAGSVERKET_", "YENTE_"))
                      or k == "SUPPLIERS_CHECK_CONCURRENCY")
    key = kind + ":" + hashlib.sha256(repr(relevant).encode()).hexdigest()
    cache = app.extensions.setdefault("registries.http", {})
    if key not in cache:
        if len(cache) > 8:  # configurations come and go in tests; keep the cache small
            cache.clear()
        cache[key] = factory(app.config)
    return cache[key]


def build_adapter(session: Session, registry: str, app: Flask | None = None) -> Adapter:
    """The adapter for ``registry`` in the configured mode."""
    if registry not in REGISTRIES:
        raise KeyError(f"okänt register: {registry}")
    app = app or current_app._get_current_object()
    config = app.config
    http = config["REGISTRY_MODE"] == "http"
    if registry == "bolagsverket":
        if http:
            return _process_wide(app, "bolagsverket", make_bolagsverket)
        from registries.bolagsverket_bulk import BolagsverketOffline
        from registries.offline import load_fixture

        return BolagsverketOffline(session, load_fixture("bolagsverket"))
    if registry == "sanctions":
        from registries.offline import load_fixture
        from registries.sanctions import LocalList, SanctionsAdapter, SanctionsFixtures

        primary = (_process_wide(app, "yente", make_yente) if http
                   else SanctionsFixtures(load_fixture("sanctions"), config["YENTE_THRESHOLD"]))
        return SanctionsAdapter(primary, LocalList(session))
    from registries.filed import FiledAdapter

    return FiledAdapter(session, registry)
