"""The public tip form's throttle: a keyed hash of the sender's address, counted per window."""
from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from oversight.cases.models import TipSubmission


def address_hash(secret: str, address: str | None) -> str:
    return hmac.new(secret.encode(), (address or "unknown").encode(), hashlib.sha256).hexdigest()


def throttled(session: Session, digest: str, limit: int, window_minutes: int) -> bool:
    since = datetime.now(UTC) - timedelta(minutes=window_minutes)
    count = session.scalar(select(func.count()).select_from(TipSubmission).where(
        TipSubmission.address_hash == digest, TipSubmission.at >= since)) or 0
    return count >= limit


def record_submission(session: Session, digest: str, window_minutes: int) -> None:
    old = datetime.now(UTC) - timedelta(minutes=window_minutes)
    session.execute(delete(TipSubmission).where(TipSubmission.at < old))
    session.add(TipSubmission(address_hash=digest))
    session.flush()
