"""Association grants: grants and eligibility, payment-ledger import, detection of payees paid
by several departments, judgements and follow-up. See DESIGN.md and README.md.

``init_app(app)`` registers the models, the blueprint, the ``flask associations`` commands, the
detection job, attention items, the organisation-page section and the navigation entry.
"""
from __future__ import annotations

DEFAULTS = {
    # Account-number prefixes that mark a ledger row as a grant (the rest are purchases).
    "GRANT_ACCOUNT_PREFIXES": ["451", "452", "453"],
    # External funders offered when registering a grant (a free-text funder is also possible).
    "GRANT_EXTERNAL_FUNDERS": ["Regionen", "MUCF", "Allmänna arvsfonden", "Socialstyrelsen"],
    # A judged multi-department payee is raised again when an amount grows more than this (%).
    "GRANT_REJUDGE_AMOUNT_PERCENT": 50,
    # Purpose/activity similarity (0-100, token set) from which overlapping grants are flagged.
    "GRANT_PURPOSE_SIMILARITY": 80,
    # Ledger rows written (and, by the job and the CLI, committed) per chunk of an import.
    "LEDGER_IMPORT_CHUNK_ROWS": 5000,
}


def init_app(app) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)

    from associations import commands, hooks, models  # noqa: F401  (register on import)
    from associations.cli import associations_cli
    from associations.views import bp

    app.register_blueprint(bp)
    if "associations" not in app.cli.commands:
        app.cli.add_command(associations_cli)
