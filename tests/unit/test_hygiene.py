"""Project hygiene: public APIs, settings documented, no "if installed" lookups."""
from __future__ import annotations

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOMAINS = ("suppliers", "associations", "assistance", "registries")


def test_accounts_public_api_is_listed_and_importable():
    import oversight.accounts as accounts

    for name in ("verify_account", "verify_organisation_accounts", "bankgiro_registered_to",
                 "verify_payments", "AccountVerification", "MTCH", "NOAP"):
        assert name in accounts.__all__
    for name in accounts.__all__:
        assert getattr(accounts, name) is not None


def test_domains_import_the_accounts_api_directly():
    for domain in DOMAINS:
        for path in (ROOT / domain).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert "importlib" not in text, f"{path}: an 'if installed' lookup"
            assert "oversight.accounts." not in text, f"{path}: use oversight.accounts' API"


# Flask and extension settings we set but never read ourselves (not OVERSIGHT_ settings a
# deployer chooses), and the ones derived from others in oversight/config.py.
FRAMEWORK = {"WTF_CSRF_TIME_LIMIT", "SQLALCHEMY_ENGINE_OPTIONS", "TESTING", "SECRET_KEY_FALLBACKS",
             "SQLALCHEMY_DATABASE_URI", "MAX_CONTENT_LENGTH", "PERMANENT_SESSION_LIFETIME",
             "BABEL_TRANSLATION_DIRECTORIES", "BABEL_DEFAULT_TIMEZONE", "WTF_CSRF_ENABLED",
             "SERVER_NAME", "PREFERRED_URL_SCHEME", "APPLICATION_ROOT", "SESSION_COOKIE_SECURE",
             "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "REMEMBER_COOKIE_SECURE",
             "REMEMBER_COOKIE_HTTPONLY",
             "AUDIT_KEY_BYTES"}  # derived from OVERSIGHT_AUDIT_KEY in oversight/config.py


def declared_settings() -> set[str]:
    """Core defaults, plus the ``DEFAULTS`` each domain package declares (every domain the
    app factory initialises, so a new module is covered without editing this test)."""
    import importlib

    from oversight.app import DOMAINS
    from oversight.config import Defaults
    from registries import adapters

    names = {k for k in vars(Defaults) if k.isupper()}
    components = (*DOMAINS, "oversight.sso")  # core parts that declare their own DEFAULTS
    for defaults in (*(getattr(importlib.import_module(d), "DEFAULTS", {}) for d in components),
                     adapters.DEFAULTS, adapters.PER_REGISTRY):
        names |= set(defaults)
    return names - FRAMEWORK


def settings_read_in_code() -> set[str]:
    pattern = re.compile(r"""(?:config|cfg)(?:\[|\.get\()\s*["']([A-Z][A-Z0-9_]+)["']"""
                         r"""|per_registry\([^,]+,\s*["']([A-Z][A-Z0-9_]+)["']""")
    found = set()
    for folder in ("oversight", *DOMAINS):
        for path in (ROOT / folder).rglob("*.py"):
            for match in pattern.finditer(path.read_text(encoding="utf-8")):
                found.add(match.group(1) or match.group(2))
    return found - FRAMEWORK


def test_every_setting_the_code_reads_is_declared_with_a_default():
    assert settings_read_in_code() - declared_settings() == set()


def test_no_declared_setting_is_unused():
    assert declared_settings() - settings_read_in_code() == set()


def test_env_example_lists_every_setting():
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#?\s*OVERSIGHT_([A-Z][A-Z0-9_]+)=", text, re.M))
    missing = (declared_settings() | {"INSTANCE_PATH"}) - listed
    assert missing == set(), f".env.example lacks: {sorted(missing)}"
    assert listed - declared_settings() - {"INSTANCE_PATH"} == set(), "unknown settings listed"
