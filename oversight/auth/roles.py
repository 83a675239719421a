"""Roles and what each may do. Permissions = role x department scope (see scoping.py)."""
from __future__ import annotations

from oversight.labels import Labels

ADMIN = "admin"
PROCUREMENT = "procurement"
GRANTS = "grants"
LSS = "lss"
INVESTIGATOR = "investigator"
AUDITOR = "auditor"
PROVIDER = "provider"  # staff of an assistance provider: its own users' time reports only

ROLE_LABELS = Labels({
    ADMIN: "Administratör",
    PROCUREMENT: "Upphandlare",
    GRANTS: "Föreningshandläggare",
    LSS: "LSS-handläggare",
    INVESTIGATOR: "Utredare",
    AUDITOR: "Revisor (läsbehörighet)",
    PROVIDER: "Assistansanordnare",
})
# Municipal staff; the provider role sees nothing of the platform but its own time reports.
_STAFF = set(ROLE_LABELS) - {PROVIDER}

_WRITERS = {ADMIN, PROCUREMENT, GRANTS, LSS, INVESTIGATOR}
# Roles that read and never act: no permission outside READ_PERMISSIONS, and
# oversight.scoping.may_change answers False for them whatever the department.
READ_ONLY_ROLES = frozenset({AUDITOR})
# Roles that maintain the shared register's bank accounts (closing an account changes every
# department's payment checks): the units that register suppliers and associations.
_REGISTER_MAINTAINERS = {ADMIN, PROCUREMENT, GRANTS}

# Permissions that only read (showing a full personnummer is a read: it is logged, not a
# change). Every other permission acts, and no read-only role may hold one (checked below).
READ_PERMISSIONS = {
    "org.view", "personal.reveal", "audit.view", "accounts.view", "supplier.view",
    "grants.view", "assistance.view", "timereport.view",
}

PERMISSIONS: dict[str, set[str]] = {
    "org.view": _STAFF,
    "org.edit": _WRITERS,
    "warning.create": _WRITERS,
    "note.write": _WRITERS,
    "personal.reveal": _WRITERS - {ADMIN} | {AUDITOR},
    "audit.view": {ADMIN, AUDITOR},
    "users.manage": {ADMIN},
    "rules.manage": {ADMIN},  # dated rule values (amounts, limits, time limits)
    "jobs.run": _WRITERS,
    # domain modules
    "registry.lookup": _WRITERS,
    "registry.manual": _WRITERS,  # manual entry / file import of registry answers
    "accounts.view": _WRITERS | {AUDITOR},  # verification pages, holders, allowances
    "accounts.verify": _WRITERS,  # run a verification and store it
    "account.close": _REGISTER_MAINTAINERS,
    "payments.check": {ADMIN, PROCUREMENT, GRANTS, LSS, INVESTIGATOR},
    "supplier.view": _STAFF,
    "supplier.manage": {ADMIN, PROCUREMENT},
    "supplier.decide": {PROCUREMENT},
    "supplier.acknowledge": _WRITERS,  # mark a monitoring finding as handled (not read-only roles)
    "complaint.create": _WRITERS,
    "grants.view": _STAFF,
    "grants.manage": {ADMIN, GRANTS},
    "ledger.import": {ADMIN, GRANTS, INVESTIGATOR},
    "assistance.view": {ADMIN, LSS, INVESTIGATOR, AUDITOR},  # providers, permits, own users
    "assistance.manage": {LSS},  # permits, verifications, alerts, arrangements (own district)
    "timereport.submit": {PROVIDER},
    "timereport.view": {ADMIN, LSS, INVESTIGATOR, AUDITOR},
    "timereport.handle": {LSS},
}


def _check_read_only_roles_only_read() -> None:
    for permission, roles in PERMISSIONS.items():
        if permission not in READ_PERMISSIONS and roles & READ_ONLY_ROLES:
            raise RuntimeError(f"read-only role may act: {permission}")


_check_read_only_roles_only_read()


def register_permissions(permissions: dict[str, set[str]], *, reads: set[str] = frozenset()) -> None:
    """Add a module's permissions; ``reads`` names those that only read. A read-only role
    may hold only those (checked here, so a module cannot hand the auditor an action)."""
    READ_PERMISSIONS.update(reads)
    for permission, roles in permissions.items():
        PERMISSIONS.setdefault(permission, set(roles))
    _check_read_only_roles_only_read()


def can(role: str, permission: str) -> bool:
    return role in PERMISSIONS.get(permission, set())
