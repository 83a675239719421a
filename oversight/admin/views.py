from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, or_, select

from oversight import audit_format
from oversight.audit import AuditEntry
from oversight.audit_anchors import read_anchors, verify_with_anchors
from oversight.auth import services
from oversight.auth.forms import UserForm
from oversight.auth.models import Department, User
from oversight.auth.services import MIN_PASSWORD_LENGTH
from oversight.exports import export_response
from oversight.extensions import db
from oversight.permissions import require
from oversight.scoping import owner_condition
from oversight.views_support import paginate, sorted_by

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _department_choices(user: User | None):
    """Departments a user may be placed in: those active today (a ceased department is not
    offered), plus the user's own current one so an edit shows it; no preselection."""
    today = date.today()
    depts = db.session.scalars(select(Department).order_by(Department.name))
    keep = user.department_id if user else None
    return [("", _("Välj förvaltning"))] + [
        (d.id, d.name + ("" if d.valid_to is None else " (" + _("upphörd") + ")"))
        for d in depts if d.is_valid_on(today) or d.id == keep]


@bp.get("/users")
@require("users.manage")
def users():
    stmt = select(User).join(Department, Department.id == User.department_id)
    stmt = sorted_by(stmt, {"name": User.name, "role": User.role, "department": Department.name,
                            "login": User.last_login_at, "active": User.active,
                            "username": User.username}, default="username")
    if request.args.get("format") in ("csv", "xlsx"):
        rows = ((u.username, u.name, u.role_label, u.department.name, u.email, u.last_login_at,
                 "aktiv" if u.active else "inaktiv") for u in db.session.scalars(stmt))
        return export_response(request.args["format"], "anvandare", [
            "användarnamn", "namn", "roll", "förvaltning", "e-post", "senast inloggad",
            "status"], rows)
    return render_template("admin/users.html", page=paginate(stmt))


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require("users.manage")
def edit_user(user_id: int | None = None):
    user = db.session.get(User, user_id) if user_id else None
    if user_id and user is None:
        abort(404)
    form = UserForm(obj=user)
    form.department_id.choices = _department_choices(user)
    form.password.label.text = (_("Nytt lösenord (lämna tomt för att behålla)") if user
                                else _("Lösenord"))
    form.password.description = _("Minst %(n)s tecken.", n=MIN_PASSWORD_LENGTH)
    if form.validate_on_submit():
        department = db.session.get(Department, form.department_id.data)
        try:
            if user is None:
                if not form.password.data:
                    raise services.AuthError(_("Ange ett lösenord för den nya användaren."))
                user = services.create_user(
                    db.session, username=form.username.data, name=form.name.data,
                    password=form.password.data, role=form.role.data,
                    department=department, email=form.email.data or None)
            else:
                services.update_user(db.session, current_user, user, name=form.name.data, role=form.role.data,
                                     department=department, active=form.active.data,
                                     email=form.email.data or None)
                if form.password.data:
                    services.reset_password(db.session, user, form.password.data)
        except services.AuthError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Användaren %(username)s är sparad.", username=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.get("/departments")
@require("users.manage")
def departments():
    stmt = select(Department)
    if request.args.get("sort") in DEPARTMENT_SORTS:
        stmt = sorted_by(stmt, DEPARTMENT_SORTS, "name")
    else:  # current departments first, by name
        stmt = stmt.order_by(Department.valid_to.is_not(None), Department.name)
    return render_template("admin/departments.html", departments=list(db.session.scalars(stmt)))


DEPARTMENT_SORTS = {"code": Department.code, "name": Department.name, "kind": Department.kind,
                    "from": Department.valid_from, "to": Department.valid_to, "id": Department.id}


def _scoped_entity_types() -> set[str]:
    """Tables of department-scoped personal data (``__department_scoped__`` models)."""
    types = {m.class_.__tablename__ for m in db.Model.registry.mappers
             if getattr(m.class_, "__department_scoped__", False)}
    for mapper in db.Model.registry.mappers:  # personal rows of shared tables (person lookups)
        types.update(getattr(mapper.class_, "__audit_personal_types__", ()))
    return types


def _audit_visible(user):
    """Entries the reader may see: changes to a department's personal data only inside that
    department, whatever the reader's role (the entry's department is the owning one)."""
    return or_(AuditEntry.entity_type.not_in(_scoped_entity_types()),
               owner_condition(AuditEntry, user.department_id))


def _audit_filtered(args):
    stmt = select(AuditEntry)
    if args.get("actor"):
        stmt = stmt.where(AuditEntry.actor == args["actor"].strip().lower())
    if args.get("category") in audit_format.CATEGORIES:
        stmt = stmt.where(AuditEntry.action.in_(audit_format.CATEGORIES[args["category"]][1]))
    if args.get("action"):
        stmt = stmt.where(AuditEntry.action == args["action"])
    if args.get("entity"):
        stmt = stmt.where(AuditEntry.entity_type == args["entity"])
    if args.get("entity_id"):
        stmt = stmt.where(AuditEntry.entity_id == args["entity_id"].strip())
    for key, op in (("from", "ge"), ("to", "lt")):
        try:
            day = date.fromisoformat(args.get(key, ""))
        except ValueError:
            continue
        if key == "to":
            day += timedelta(days=1)
        bound = datetime.combine(day, time(), tzinfo=UTC)
        stmt = stmt.where(AuditEntry.at >= bound if op == "ge" else AuditEntry.at < bound)
    return stmt


AUDIT_SORTS = {"at": AuditEntry.at, "actor": AuditEntry.actor, "action": AuditEntry.action,
               "entity": AuditEntry.entity_type, "id": AuditEntry.id}


def _audit_query(args, user):
    """The entries the reader may see, newest first unless a column header chose the order."""
    stmt = _audit_filtered(args).where(_audit_visible(user))
    return sorted_by(stmt, AUDIT_SORTS, default="id", default_dir="desc")


def _hidden_count(args, user) -> int:
    """Entries matching the filter that the reader may not see: counted, never silent gaps."""
    stmt = _audit_filtered(args).where(~_audit_visible(user))
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


AUDIT_HEADERS = ["id", "tid", "användare", "händelse", "typ", "objekt-id", "sammanfattning",
                 "ändring", "hash"]


def _audit_rows(stmt):
    for e in db.session.scalars(stmt.limit(100_000)):
        yield (e.id, e.at, e.actor, audit_format.event_label(e.action), e.entity_type,
               e.entity_id, e.summary, audit_format.diff_text(e.action, e.before, e.after), e.hash)


@bp.get("/audit")
@require("audit.view")
def audit():
    stmt = _audit_query(request.args, current_user)
    if request.args.get("format") in ("csv", "xlsx"):
        return export_response(request.args["format"], "granskningslogg", AUDIT_HEADERS,
                               _audit_rows(stmt))
    page = paginate(stmt)
    entity_types = db.session.scalars(select(AuditEntry.entity_type).distinct().order_by(AuditEntry.entity_type))
    return render_template("admin/audit.html", page=page, entity_types=list(entity_types),
                           args=request.args, anchors=_recent_anchors(), fmt=audit_format,
                           hidden=audit_format.hidden_text(_hidden_count(request.args, current_user)))


def _recent_anchors():
    """The newest anchors of the chain (date, count, head) for the auditor; None if unreadable."""
    try:
        return list(reversed(read_anchors()))[:10]
    except ValueError:
        return None


@bp.post("/audit/verify")
@require("audit.view")
def audit_verify():
    report = verify_with_anchors(db.session)
    if report.ok:
        flash(ngettext("Kedjan är hel: %(num)s post kontrollerad.",
                       "Kedjan är hel: %(num)s poster kontrollerade.", report.checked), "success")
    else:
        flash(_("Kedjan är bruten vid post %(broken_at)s: %(reason)s.",
                broken_at=report.broken_at, reason=report.reason), "error")
    return redirect(url_for("admin.audit"))


from oversight.admin import rules as _rules  # noqa: E402,F401  (rule-value pages on this blueprint)
