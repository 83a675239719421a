"""The main navigation, filtered by what the user's role may do. Domain modules add their
entries with ``register``."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    permission: str
    order: int
    group: str | None = None  # items of a group share one menu in the desktop navigation


_ITEMS: dict[str, NavItem] = {}


ADMIN_GROUP = "Administration"


def register(endpoint: str, label: str, permission: str, order: int = 50,
             group: str | None = None) -> None:
    _ITEMS[endpoint] = NavItem(endpoint, label, permission, order, group)


register("main.index", "Start", "org.view", 0)
register("organisations.index", "Organisationer", "org.view", 10)
register("jobs.index", "Jobb", "jobs.run", 80)
register("admin.users", "Användare", "users.manage", 90, ADMIN_GROUP)
register("admin.departments", "Förvaltningar", "users.manage", 92, ADMIN_GROUP)
register("admin.rule_values", "Regelvärden", "rules.manage", 93, ADMIN_GROUP)
register("admin.audit", "Granskningslogg", "audit.view", 95)


def navigation_for(user) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted((i for i in _ITEMS.values() if user.can(i.permission)), key=lambda i: i.order)
