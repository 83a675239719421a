"""Extension point for the organisation page: later modules (suppliers, grants, providers,
cases, registry evidence) register a section renderer that returns HTML for one organisation."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    html: Markup


Renderer = Callable[[Session, object, object], Markup | None]
_RENDERERS: list[tuple[int, str, str, Renderer]] = []


def register(key: str, title: str, order: int = 50):
    def decorator(fn: Renderer) -> Renderer:
        _RENDERERS[:] = [r for r in _RENDERERS if r[1] != key] + [(order, key, title, fn)]
        _RENDERERS.sort(key=lambda r: r[0])
        return fn
    return decorator


def render_all(session: Session, user, org) -> list[Section]:
    sections = []
    for _, key, title, fn in _RENDERERS:
        html = fn(session, user, org)
        if html:
            sections.append(Section(key, title, html))
    return sections
