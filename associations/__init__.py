"""See DESIGN.md; init_app(app) registers this domain with the app."""
