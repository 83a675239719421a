"""Bank-account verification: does this account belong to this organisation, and check a
payment file before it is sent (issue 5). See DESIGN.md; ``init_app(app)`` registers the
domain with the app.

Public API for other modules (suppliers, associations, assistance):

* ``verify_organisation_accounts(session, org) -> list[AccountVerification]``
* ``bankgiro_registered_to(session, org) -> AccountVerification | None``
* ``verify_account(session, org, kind, number) -> AccountVerification``
* ``verify_payments(session, payments) -> list[PaymentResult]``
"""
from __future__ import annotations

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


def verify_organisation_accounts(session, org, today=None):
    from oversight.accounts.services import verify_organisation_accounts as fn

    return fn(session, org, today)


def bankgiro_registered_to(session, org, today=None):
    from oversight.accounts.services import bankgiro_registered_to as fn

    return fn(session, org, today)
