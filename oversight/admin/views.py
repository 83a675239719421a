from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

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
from oversight.views_support import paginate

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
    rows = db.session.scalars(select(User).order_by(User.username))
    return render_template("admin/users.html", users=list(rows))


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
                    raise services.AuthError("Ange ett lösenord för den nya användaren.")
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
            flash(f"Användaren {user.username} är sparad.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.get("/departments")
@require("users.manage")
def departments():
    rows = db.session.scalars(select(Department).order_by(Department.valid_to.is_not(None), Department.name))
    return render_template("admin/departments.html", departments=list(rows))


def _scoped_entity_types() -> set[str]:
    """Tables of department-scoped personal data (``__department_scoped__`` models)."""
    return {m.class_.__tablename__ for m in db.Model.registry.mappers
            if getattr(m.class_, "__department_scoped__", False)}


def _audit_query(args, user):
    # Changes to a department's personal data are shown only inside that department, whatever
    # the reader's role (the entry's department is the acting user's, who works there).
    stmt = select(AuditEntry).where(or_(
        AuditEntry.entity_type.not_in(_scoped_entity_types()),
        owner_condition(AuditEntry, user.department_id)))
    if args.get("actor"):
        stmt = stmt.where(AuditEntry.actor == args["actor"].strip().lower())
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
    return stmt.order_by(AuditEntry.id.desc())


@bp.get("/audit")
@require("audit.view")
def audit():
    stmt = _audit_query(request.args, current_user)
    if request.args.get("format") in ("csv", "xlsx"):
        rows = ((e.id, e.at, e.actor, e.action, e.entity_type, e.entity_id, e.summary,
                 e.before, e.after, e.hash) for e in db.session.scalars(stmt.limit(100_000)))
        return export_response(request.args["format"], "granskningslogg",
                               ["id", "tid", "användare", "händelse", "typ", "objekt-id",
                                "sammanfattning", "före", "efter", "hash"], rows)
    page = paginate(stmt)
    entity_types = db.session.scalars(select(AuditEntry.entity_type).distinct().order_by(AuditEntry.entity_type))
    return render_template("admin/audit.html", page=page, entity_types=list(entity_types),
                           args=request.args, anchors=_recent_anchors())


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
        flash(f"Kedjan är hel: {report.checked} poster kontrollerade.", "success")
    else:
        flash(f"Kedjan är bruten vid post {report.broken_at}: {report.reason}.", "error")
    return redirect(url_for("admin.audit"))


from oversight.admin import rules as _rules  # noqa: E402,F401  (rule-value pages on this blueprint)
