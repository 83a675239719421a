"""Per-provider API tokens: a random secret shown once, only its SHA-256 stored."""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistance.timereport_models import ProviderToken
from oversight.organisations.models import Organisation

PREFIX = "tr_"


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_token(session: Session, actor, organisation: Organisation, name: str) -> str:
    raw = PREFIX + secrets.token_urlsafe(32)
    session.add(ProviderToken(organisation_id=organisation.id, name=name.strip()[:200] or "API",
                              token_hash=token_hash(raw), created_by_id=getattr(actor, "id", None)))
    session.flush()
    return raw


def organisation_for_token(session: Session, raw: str | None) -> Organisation | None:
    """The provider a bearer token belongs to; None for a missing, unknown or revoked token."""
    if not raw or not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    token = session.scalar(select(ProviderToken).where(ProviderToken.token_hash == token_hash(raw),
                                                       ProviderToken.revoked_at.is_(None)))
    return token.organisation if token is not None else None


EXTERNAL_DEPARTMENT = ("externa-anordnare", "Externa assistansanordnare")


def create_provider_user(session: Session, *, username: str, name: str, password: str,
                         organisation: Organisation, email: str | None = None):
    """A login for a provider's staff: role provider, tied to the organisation, in the
    department of external providers (which owns no personal data)."""
    from oversight.auth import services as auth
    from oversight.auth.roles import PROVIDER

    department = auth.upsert_department(session, code=EXTERNAL_DEPARTMENT[0],
                                        name=EXTERNAL_DEPARTMENT[1], kind="other")
    user = auth.create_user(session, username=username, name=name, password=password,
                            role=PROVIDER, department=department, email=email)
    user.organisation_id = organisation.id
    session.flush()
    return user
