"""Bank-account verification: does this account belong to this organisation, and check a
payment file before it is sent (issue 5). See DESIGN.md; ``init_app(app)`` registers the
domain with the app.

A shared core service: every domain (suppliers, associations, assistance, cases) imports its
public API from here, directly (``from oversight.accounts import verify_account``); the names
in ``__all__`` are the API, everything else in the package is internal:

* ``verify_account(session, org, kind, number, today=None) -> AccountVerification``
* ``verify_organisation_accounts(session, org, today=None) -> list[AccountVerification]``
* ``bankgiro_registered_to(session, org, today=None) -> AccountVerification | None``
* ``verify_payments(session, payments, today=None) -> list[PaymentResult]``
* ``record_verification`` / ``verify_and_record_organisation`` (store the result, audited)
* ``AccountVerification``, ``PaymentResult``, ``Payment``; statuses ``MTCH``, ``CMTC``,
  ``NMTC``, ``NOAP`` (EU Verification of Payee); ``AccountsError`` (Swedish message).

Thresholds and answer ages are dated rule values (``accounts.*`` in oversight.rule_values).
"""
from __future__ import annotations

from oversight.accounts.paymentfile import Payment
from oversight.accounts.payments import PaymentResult, verify_payments
from oversight.accounts.services import (
    AccountsError,
    bankgiro_registered_to,
    record_verification,
    verify_account,
    verify_and_record_organisation,
    verify_organisation_accounts,
)
from oversight.accounts.verification import CMTC, MTCH, NMTC, NOAP, AccountVerification

__all__ = [
    "verify_account", "verify_organisation_accounts", "bankgiro_registered_to",
    "verify_payments", "record_verification", "verify_and_record_organisation",
    "AccountVerification", "PaymentResult", "Payment", "AccountsError",
    "MTCH", "CMTC", "NMTC", "NOAP",
]

# Settings this package adds (name: default). Environment: OVERSIGHT_<NAME>.
DEFAULTS = {
    "ACCOUNT_COVERED_KINDS": ["bankgiro", "plusgiro", "bank_account", "iban"],
    "ACCOUNT_DOCUMENT_MAX_MB": 10,  # attached holder documents (PDF, PNG, JPEG)
    "ACCOUNT_ATTENTION_DAYS": 30,  # how far back "what needs attention" looks
    "PAYMENT_FILE_MAX_MB": 200,  # upload limit for payment files (other uploads: MAX_UPLOAD_MB)
}


def init_app(app) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)

    from oversight import navigation
    from oversight.accounts import hooks, models, payments, views, views_payments  # noqa: F401
    from oversight.accounts.cli import accounts_cli

    app.register_blueprint(views.bp)
    app.cli.add_command(accounts_cli)
    views_payments.allow_large_payment_files(app)
    navigation.register("accounts.verify", "Kontokontroll", "accounts.verify", 30)
    navigation.register("accounts.payments", "Betalfiler", "payments.check", 35)
