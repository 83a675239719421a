"""What the registries add to the rest of the app: the organisation-page section, the
"check now" job and the navigation entry. Imported by ``init_app``."""
from __future__ import annotations

from flask import render_template
from markupsafe import Markup
from sqlalchemy.orm import Session

from oversight import navigation
from oversight.jobs import job_handler
from oversight.organisations.models import Organisation
from oversight.organisations.sections import register
from registries import services
from registries.assess import assess_configured
from registries.base import REGISTRIES, REGISTRY_LABELS
from registries.forms import CheckForm

navigation.register("registries.index", "Register", "registry.lookup", 60)


def overview(session: Session, organisation: Organisation) -> list[dict]:
    """One row per registry: the latest stored answer and what it means (None: never checked)."""
    latest = services.latest_results(session, organisation)
    rows = []
    for registry in REGISTRIES:
        stored = latest.get(registry)
        rows.append({"registry": registry, "label": REGISTRY_LABELS[registry], "stored": stored,
                     "assessment": assess_configured(stored) if stored else None})
    return rows


@register("registries", "Registeruppgifter", order=20)
def organisation_section(session: Session, user, org: Organisation) -> Markup:
    return Markup(render_template("registries/section.html", org=org, rows=overview(session, org),
                                  check_form=CheckForm()))


@job_handler("registries.check")
def check_organisation(session: Session, job, progress) -> dict:
    """Look the organisation up in each chosen registry now (no cache)."""
    org = session.get(Organisation, job.params["organisation_id"])
    user = job.created_by
    registries = job.params.get("registries") or list(REGISTRIES)
    outcome = {}
    for done, registry in enumerate(registries, start=1):
        stored = services.lookup(session, user, registry, org.orgnr, use_cache=False)
        outcome[registry] = {"lookup_id": stored.id, "status": stored.status}
        progress(done, len(registries), f"{REGISTRY_LABELS[registry]}: {stored.status_label}")
    job.result_url = job.params.get("result_url")
    return outcome
