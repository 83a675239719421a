"""JSON API for provider systems (as they report to Försäkringskassan's e-service): submit a
month's report for one user, read its status. Authenticated by a per-provider bearer token
(only its hash is stored), CSRF-exempt, never a session. The same validation as the grid and
the file upload (``submit_report``); a repeated submission returns the same report (200)."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from assistance.people import mask
from assistance.timereport_api_auth import organisation_for_token
from assistance.timereport_submit import (
    ReportError,
    find_user_for_provider,
    latest_report,
    parse_lines,
    provider_report,
    submit_report,
)
from oversight.extensions import csrf, db

bp = Blueprint("timereports_api", __name__, url_prefix="/api")
MAX_LINES = 5000


def _problem(status: int, title: str, errors=None):
    body = {"status": status, "title": title}
    if errors:
        body["errors"] = [{"row": e.row or None, "column": e.column or None, "message": e.message}
                          for e in errors]
    response = jsonify(body)
    response.status_code = status
    response.content_type = "application/problem+json"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="tidrapporter"'
    return response


def _organisation():
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    return organisation_for_token(db.session, token)


def _report_json(report, created: bool | None = None) -> dict:
    body = {"id": report.id, "person_id": mask(report.assistance_user.person_id),
            "month": report.month.strftime("%Y-%m"), "version": report.version,
            "status": report.status, "lines": len(report.lines),
            "user_approved": report.user_approved_at is not None,
            "approved_assistants": sorted(mask(a.assistant_id) for a in report.approvals)}
    if created is not None:
        body["created"] = created
    return body


@bp.post("/v1/timereports")
@csrf.exempt
def submit():
    org = _organisation()
    if org is None:
        return _problem(401, _("Ogiltig eller saknad API-nyckel."))
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return _problem(400, _("Kroppen måste vara ett JSON-objekt."))
    lines = payload.get("lines")
    if not isinstance(lines, list) or not all(isinstance(x, dict) for x in lines):
        return _problem(400, _("Fältet lines måste vara en lista av objekt."))
    if len(lines) > MAX_LINES:
        return _problem(400, _("Högst %(n)s rader per rapport.", n=MAX_LINES))
    try:
        user = find_user_for_provider(db.session, str(payload.get("person_id") or ""), org.id,
                                      _month(payload.get("month")))
    except ReportError as exc:
        return _problem(404, exc.errors[0].message)
    except ValueError as exc:
        return _problem(400, str(exc))
    rows = [(i, {k: "" if v is None else str(v) for k, v in line.items()})
            for i, line in enumerate(lines, start=1)]
    try:
        report, created = submit_report(db.session, None, user, org.id, _month(payload["month"]),
                                        parse_lines(rows), source="api",
                                        correction_reason=payload.get("correction_reason"))
    except ReportError as exc:
        db.session.rollback()
        return _problem(422 if exc.errors and exc.errors[0].row else 409,
                        _("Rapporten togs inte emot."), exc.errors)
    try:
        db.session.commit()
    except IntegrityError:  # the same submission raced in from a retry: answer with it
        db.session.rollback()
        report = latest_report(db.session, user.id, org.id, _month(payload["month"]))
        if report is None:
            raise
        return jsonify(_report_json(report, False)), 200
    return jsonify(_report_json(report, created)), (201 if created else 200)


def _month(value):
    from assistance.shift_times import parse_month
    return parse_month(str(value or ""))


@bp.get("/v1/timereports/<int:report_id>")
def show(report_id: int):
    org = _organisation()
    if org is None:
        return _problem(401, _("Ogiltig eller saknad API-nyckel."))
    report = provider_report(db.session, org.id, report_id)
    if report is None:
        return _problem(404, _("Rapporten finns inte."))
    return jsonify(_report_json(report))


@bp.get("/openapi.json")
def openapi():
    from assistance.timereport_openapi import spec
    return jsonify(spec())
