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
# Desktop menus that hold several pages, so that the widest navigation (the admin's) stays on
# one line at 1366 px; a group the user sees only one page of shows as a plain link, and on a
# phone every page is listed in the collapsed menu.
GROUPS = {
    "accounts.verify": "Konton", "accounts.payments": "Konton",
    "cases.index": "Ärenden", "cases.controls_index": "Ärenden",
    "admin.audit": ADMIN_GROUP, "sso_admin.mappings": ADMIN_GROUP, "ops.dashboard": ADMIN_GROUP,
    "assistance.index": "Assistans", "timereports.index": "Assistans",
}


def register(endpoint: str, label: str, permission: str, order: int = 50,
             group: str | None = None) -> None:
    _ITEMS[endpoint] = NavItem(endpoint, label, permission, order, group)


register("main.index", "Start", "org.view", 0)
register("organisations.index", "Organisationer", "org.view", 10)
register("jobs.index", "Jobb", "jobs.run", 80)
register("admin.users", "Användare", "users.manage", 90, ADMIN_GROUP)
register("admin.departments", "Förvaltningar", "users.manage", 92, ADMIN_GROUP)
register("admin.rule_values", "Regelvärden", "rules.manage", 93, ADMIN_GROUP)
register("admin.audit", "Granskningslogg", "audit.view", 95, ADMIN_GROUP)


def navigation_for(user) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted((i for i in _ITEMS.values() if user.can(i.permission)), key=lambda i: i.order)


def grouped(items: list[NavItem]) -> list[tuple[str | None, list[NavItem]]]:
    """The desktop navigation: ``(None, [item])`` for a plain link, ``(group, items)`` for a
    menu of two or more pages, in the order of each group's first page."""
    entries: list[tuple[str | None, list[NavItem]]] = []
    index: dict[str, int] = {}
    for item in items:
        group = item.group or GROUPS.get(item.endpoint)
        if group in index:
            entries[index[group]][1].append(item)
        else:
            if group:
                index[group] = len(entries)
            entries.append((group, [item]))
    return [(group if len(members) > 1 else None, members) for group, members in entries]
