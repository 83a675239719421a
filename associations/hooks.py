"""Where the module plugs into the core: the detection and ledger-import jobs, start-page
attention items, the section on the organisation page and the navigation entry."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask import render_template
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import func, select

from associations.ledger_models import in_complete_import
from associations.models import Grant, LedgerEntry
from oversight import navigation
from oversight.attention import AttentionItem, provider
from oversight.jobs import job_handler
from oversight.labels import _l
from oversight.organisations.sections import register
from oversight.scoping import owned_by
from oversight.views_support import path_for as _url

DETECT_JOB = "associations.detect"
IMPORT_JOB = "associations.import"
PREVIEW_JOB = "associations.preview"

navigation.register("associations.index", "Föreningsbidrag", "grants.view", 30)


@job_handler(DETECT_JOB, _l("Kontroll av bidrag från flera förvaltningar"))
def detect_job(session, job, progress):
    from datetime import date as _date

    from associations.detection import run_detection

    user = job.created_by
    p = job.params or {}
    run = run_detection(
        session, user,
        period_start=_date.fromisoformat(p["period_start"]) if p.get("period_start") else None,
        period_end=_date.fromisoformat(p["period_end"]) if p.get("period_end") else None,
        grants_only=bool(p.get("grants_only")), job=job, progress=progress)
    job.result_url = _url("associations.report", run=run.id)
    return {"run_id": run.id, "clusters": run.cluster_count,
            "associations": run.association_count, "new": run.new_count}


class Importfel(Exception):
    """A web import that could not be made. The job machinery shows a failed job's error as
    "<exception name>: <message>", so the page reads "Importfel: Rad 12: ... Inget
    importerades." """


@job_handler(IMPORT_JOB, _l("Import av reskontra"))
def import_job(session, job, progress):
    """The final step of the web import: one transaction, idempotent by the file's SHA-256.
    Params: upload_id, department_id, preset, columns (or None), period_start/period_end
    (ISO dates or None), save_as (a name to save the chosen column mapping under, or None)."""
    from datetime import date as _date

    from sqlalchemy.exc import IntegrityError

    from associations import imports
    from associations.models import LedgerUpload
    from oversight.auth.models import Department

    user = job.created_by
    p = job.params or {}
    up = session.get(LedgerUpload, p.get("upload_id")) if p.get("upload_id") else None
    if up is None:
        raise Importfel(_("Den uppladdade filen finns inte längre (den är redan importerad eller "
                        "borttagen efter ett dygn): ladda upp den igen. Inget importerades."))
    department = session.get(Department, p.get("department_id") or up.department_id)
    try:
        report = imports.import_ledger(
            session, user, data=up.content, filename=up.filename, department=department,
            preset=p.get("preset") or "standard", columns=p.get("columns") or None,
            period_start=_date.fromisoformat(p["period_start"]) if p.get("period_start")
            else None,
            period_end=_date.fromisoformat(p["period_end"]) if p.get("period_end") else None,
            source="web", progress=progress, commit=session.commit)
        if p.get("save_as"):
            imports.save_mapping(session, department, p["save_as"], p.get("save_columns") or {})
        session.delete(up)
        session.flush()
    except imports.LedgerImportError as exc:
        raise Importfel(imports.nothing_imported(str(exc))) from exc
    except IntegrityError as exc:
        raise Importfel(_("Importen kunde inte sparas: samma fil importerades troligen samtidigt "
                        "i ett annat jobb. Inget importerades här; se Importerade "
                        "reskontror.")) from exc
    li = report.ledger_import
    job.result_url = _url("associations.show_import", import_id=li.id)
    job.message = " ".join([report.summary, *report.warnings])
    return {"import_id": li.id, "created": report.created, "rows": li.row_count,
            "departments": li.department_count, "grant_rows": li.grant_row_count,
            "flagged_rows": li.flagged_row_count}


@job_handler(PREVIEW_JOB, _l("Förhandsgranskning av reskontra"))
def preview_job(session, job, progress):
    """Read an uploaded ledger's header and first rows (with the preset's or a chosen column
    mapping) into ``LedgerUpload.preview``: the preview page shows it, the web request never
    parses the file. Params: upload_id, columns (a chosen mapping or None)."""
    from associations import ledger_preview
    from associations.models import LedgerUpload

    p = job.params or {}
    up = session.get(LedgerUpload, p.get("upload_id")) if p.get("upload_id") else None
    if up is None or up.uploaded_by_id != job.created_by_id:
        raise Importfel(_("Den uppladdade filen finns inte längre (den är redan importerad eller "
                          "borttagen efter ett dygn): ladda upp den igen. Inget importerades."))
    progress(0, 1, _("Läser filen"))
    preset, saved = _mapping_of(session, up)
    columns = p.get("columns") or saved
    up.preview = ledger_preview.preview_record(
        ledger_preview.preview(up.content, preset, columns), p.get("columns"))
    job.result_url = _url("associations.preview_upload", upload_id=up.id)
    return {"upload_id": up.id}


def _mapping_of(session, up) -> tuple[str, dict | None]:
    """The upload's preset name and, for a saved mapping, its columns."""
    from associations.models import LedgerMapping

    if up.preset.startswith("mapping:"):
        mapping = session.get(LedgerMapping, int(up.preset.split(":", 1)[1]))
        return "standard", (mapping.columns if mapping else None)
    return up.preset, None


# --- attention ----------------------------------------------------------------------------------

def _handles_grants(user) -> bool:
    return user.can("grants.manage") or user.can("ledger.import")


@provider
def grants_attention(session, user) -> list[AttentionItem]:
    if not _handles_grants(user):
        return []
    from associations.detection import latest_run, open_counts
    from associations.followup import overdue_reports

    items = []
    mine = None if user.role == "admin" else user.department_id
    overdue = overdue_reports(session, department_id=mine)
    if overdue:
        first = overdue[0]
        items.append(AttentionItem(
            title=ngettext("%(num)s försenad redovisning av föreningsbidrag",
                           "%(num)s försenade redovisningar av föreningsbidrag", len(overdue)),
            detail=_("Äldst: %(name)s, %(kind)s %(start)s–%(end)s, skulle ha kommit in %(due)s.",
                     name=first.grant.organisation.name, kind=first.kind_label.lower(),
                     start=first.period_start.isoformat(), end=first.period_end.isoformat(),
                     due=first.due_on.isoformat()),
            # the follow-up list with the same department filter, so it lists these rows
            url=_url("associations.followup", **({"department": mine} if mine else {})),
            severity="warning", on=first.due_on))
    run = latest_run(session)
    if run is not None:
        open_, double = open_counts(session, run)  # the report's own rows (default filter)
        if open_:
            items.append(AttentionItem(
                title=ngettext("%(num)s förening får betalt av flera förvaltningar",
                               "%(num)s föreningar får betalt av flera förvaltningar", open_),
                detail=_("Körning %(run)s: ej bedömda eller med nya uppgifter.", run=run.label)
                + (" " + ngettext("%(num)s med möjlig dubbelfinansiering.",
                                  "%(num)s med möjlig dubbelfinansiering.", double) if double else ""),
                url=_url("associations.report", run=run.id),
                severity="danger" if double else "warning",
                on=run.created_at.date() if run.created_at else None))
    since = date.today() - timedelta(days=30)
    stmt = select(Grant).where(Grant.created_at >= since, Grant.eligibility.is_not(None))
    if mine is not None:
        stmt = owned_by(stmt, Grant, mine)
    for grant in session.scalars(stmt.order_by(Grant.id.desc()).limit(50)):
        danger = [f for f in grant.eligibility or [] if f.get("severity") == "danger"]
        if danger:
            items.append(AttentionItem(
                title=_("Bidragsvarning: %(name)s", name=grant.organisation.name),
                detail=f"{grant.form_label} {grant.period_start.year}: {danger[0]['message']}"
                       + (" " + _("(+%(n)s till)", n=len(danger) - 1) if len(danger) > 1 else ""),
                url=_url("associations.show_grant", grant_id=grant.id), severity="warning",
                on=grant.created_at.date() if grant.created_at else None))
    return items


# --- organisation page section ------------------------------------------------------------------

@register("foreningsbidrag", _l("Föreningsbidrag"), order=40)
def organisation_section(session, user, org):
    if not user.can("grants.view"):
        return None
    from associations.grants import grants_for

    grants = grants_for(session, org)
    paid = session.execute(select(
        func.coalesce(LedgerEntry.department_id, 0), LedgerEntry.department_raw,
        func.sum(LedgerEntry.amount), func.count()).where(LedgerEntry.org_nr == org.orgnr,
                                                           in_complete_import())
        .group_by(LedgerEntry.department_id, LedgerEntry.department_raw)).all()
    if not grants and not paid and org.org_group != 8:
        return None
    total = sum((Decimal(r[2] or 0) for r in paid), Decimal(0))
    departments = len({r[0] or r[1] for r in paid})
    return Markup(render_template("associations/_org_section.html", org=org, grants=grants[:5],  # nosec B704  # render_template output, autoescaped by Jinja
                                  grant_count=len(grants), paid_total=total,
                                  paid_departments=departments))


# --- the case register: a grant's association deregistered (oversight.cases) -------------------

def _register_benefit_source() -> None:
    from oversight.cases.benefit_ended import Ending, benefit_source

    @benefit_source
    def association_deregistered(session, cases, today: date) -> list[Ending]:
        """Cases about an organisation that has received a grant and is deregistered according
        to its latest Bolagsverket answer."""
        from registries.models import RegistryLookup

        by_org: dict[int, list] = {}
        for case in cases:
            ids = {case.organisation_id} | {int(link.ref) for link in case.links
                                            if link.kind == "organisation" and link.ref.isdigit()}
            for org_id in ids - {None}:
                by_org.setdefault(org_id, []).append(case)
        if not by_org:
            return []
        granted = set(session.scalars(select(Grant.organisation_id).where(
            Grant.organisation_id.in_(sorted(by_org)))))
        latest = select(func.max(RegistryLookup.id)).where(
            RegistryLookup.registry == "bolagsverket",
            RegistryLookup.organisation_id.in_(sorted(granted))).group_by(RegistryLookup.organisation_id)
        out = []
        for lookup in session.scalars(select(RegistryLookup).where(RegistryLookup.id.in_(latest))):
            ended = min((r.deregistration_date for r in lookup.records
                         if getattr(r, "deregistration_date", None)), default=None)
            if ended is None or ended > today:
                continue
            for case in by_org.get(lookup.organisation_id, []):
                out.append(Ending(case.id, f"association:{lookup.organisation_id}:{ended.isoformat()}",
                                  ended, _("Föreningen är avregistrerad %(on)s enligt Bolagsverket "
                                           "(uppslag %(at)s).", on=ended.isoformat(),
                                           at=lookup.retrieved_at.date().isoformat())))
        return out


_register_benefit_source()
