"""Mapping groups to role and department, and turning a verified ID token's claims into a
user account (created on first login, role and department kept in step with the groups)."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from oversight.audit import record_event
from oversight.auth.models import Department, User
from oversight.auth.roles import PROVIDER, ROLE_LABELS
from oversight.auth.services import end_sessions
from oversight.db import utcnow
from oversight.sso.models import SsoGroupMapping, SsoIdentity

# Not a password: never a valid argon2 hash, so the account cannot log in with one.
NO_PASSWORD = "!sso-only"  # nosec B105
SSO_ROLES = {role: label for role, label in ROLE_LABELS.items() if role != PROVIDER}


class SsoError(ValueError):
    """A refusal in Swedish (no mapping for the user's groups, bad claims, bad mapping)."""


# --- the mapping table (admin page) -------------------------------------------------------------

def save_mapping(session: Session, mapping: SsoGroupMapping | None, *, group: str, role: str,
                 department: Department, priority: int) -> SsoGroupMapping:
    """Create or change a mapping; audited by the model (``__audited__``)."""
    group = (group or "").strip()
    if not group:
        raise SsoError(_("Ange gruppens namn eller id hos identitetsleverantören."))
    if role not in SSO_ROLES:
        raise SsoError(_("Rollen kan inte ges genom kommunens inloggning."))
    clash = session.scalar(select(SsoGroupMapping).where(SsoGroupMapping.group == group))
    if clash is not None and clash is not mapping:
        raise SsoError(_("Gruppen %(group)s finns redan i tabellen.", group=group))
    if mapping is None:
        mapping = SsoGroupMapping(group=group)
        session.add(mapping)
    mapping.group, mapping.role, mapping.department = group, role, department
    mapping.priority = priority
    session.flush()
    return mapping


def delete_mapping(session: Session, mapping: SsoGroupMapping) -> None:
    session.delete(mapping)
    session.flush()


def resolve(session: Session, groups: list[str]) -> SsoGroupMapping | None:
    """The mapping that applies to a member of ``groups`` (lowest priority, then group name)."""
    if not groups:
        return None
    return session.scalar(select(SsoGroupMapping).where(SsoGroupMapping.group.in_(groups))
                          .order_by(SsoGroupMapping.priority, SsoGroupMapping.group).limit(1))


# --- login --------------------------------------------------------------------------------------

def _groups(claims: dict, claim: str) -> list[str]:
    value = claims.get(claim) or []
    if isinstance(value, str):
        value = [value]
    return [str(g) for g in value if g]


def _free_username(session: Session, wanted: str) -> str:
    base = re.sub(r"[^a-z0-9._@-]", "", (wanted or "").strip().lower())[:70] or "sso"
    name, n = base, 1
    while session.scalar(select(User.id).where(User.username == name)) is not None:
        n += 1
        name = f"{base}-{n}"
    return name


def user_from_claims(session: Session, claims: dict, *, groups_claim: str,
                     username_claim: str) -> User:
    """The user for verified ID-token claims. Refuses (SsoError, audited) a person whose
    groups map to nothing or whose account is deactivated; otherwise links or creates the
    account and sets role and department from the mapping (audited as a user change)."""
    issuer, subject = str(claims.get("iss") or ""), str(claims.get("sub") or "")
    if not issuer or not subject:
        raise SsoError(_("Identitetsleverantörens svar saknar utfärdare eller användar-id."))
    identity = session.scalar(select(SsoIdentity).where(SsoIdentity.issuer == issuer,
                                                        SsoIdentity.subject == subject))
    mapping = resolve(session, _groups(claims, groups_claim))
    if mapping is None:
        record_event(session, "refused", "login", subject[:60],
                     "Inloggning med kommunens konto nekad: ingen av användarens grupper "
                     "finns i tabellen.")
        raise SsoError(_("Ditt konto hos kommunen ger inte behörighet till plattformen. "
                         "Kontakta en administratör."))
    name = str(claims.get("name") or claims.get(username_claim) or subject)[:200]
    email = claims.get("email")
    if identity is None:
        user = User(username=_free_username(session, str(claims.get(username_claim)
                                                         or claims.get("email") or subject)),
                    name=name, email=email, password_hash=NO_PASSWORD, role=mapping.role,
                    department=mapping.department, active=True)
        session.add(user)
        session.flush()
        identity = SsoIdentity(issuer=issuer, subject=subject, user_id=user.id)
        session.add(identity)
    user = identity.user if identity.user is not None else session.get(User, identity.user_id)
    if not user.active:
        raise SsoError(_("Kontot är avstängt. Kontakta en administratör."))
    if (user.role, user.department_id) != (mapping.role, mapping.department_id):
        end_sessions(user)  # new rights take effect at once
        user.role, user.department = mapping.role, mapping.department
    user.name, user.email = name, email or user.email
    identity.last_login_at = user.last_login_at = utcnow()
    session.flush()
    record_event(session, "sso", "login", user.id,
                 f"Inloggning med kommunens konto ({mapping.group})", actor=user)
    return user
