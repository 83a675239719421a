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
