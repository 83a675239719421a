"""Single sign-on: staff log in with the municipality's identity provider (OpenID Connect,
Authlib). The provider's groups are mapped to a role and a department by the table
``sso_group_mapping``, managed by admins on *Administration → Inloggning med kommunens konto*
(every change audited). Local accounts stay: the embedded default, provider staff
(assistansanordnare) and emergency admin accounts log in with a password as before.

Enabled when ``OIDC_METADATA_URL`` and ``OIDC_CLIENT_ID`` are set; see README ("Single sign-on").
"""
from __future__ import annotations

DEFAULTS = {
    "OIDC_METADATA_URL": None,  # https://idp.example.se/.well-known/openid-configuration
    "OIDC_CLIENT_ID": None,
    "OIDC_CLIENT_SECRET": None,  # nosec B105 - unset by default; from the environment
    "OIDC_SCOPE": "openid profile email",
    "OIDC_GROUPS_CLAIM": "groups",  # claim with the user's groups (list of names or ids)
    "OIDC_USERNAME_CLAIM": "preferred_username",
    "OIDC_LABEL": "Logga in med kommunens konto",
}


def enabled(app) -> bool:
    return bool(app.config.get("OIDC_METADATA_URL") and app.config.get("OIDC_CLIENT_ID"))


def init_app(app) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    from oversight import navigation
    from oversight.sso import models  # noqa: F401  (tables)
    from oversight.sso.views import admin_bp, bp

    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    navigation.register("sso_admin.mappings", "Inloggning (SSO)", "users.manage", 93)
    app.jinja_env.globals["sso_enabled"] = lambda: enabled(app)
    app.jinja_env.globals["sso_label"] = lambda: app.config["OIDC_LABEL"]
