"""WSGI entry point: ``gunicorn wsgi:app``. The only module-level app object."""
from oversight.app import create_app
from oversight.gc_pause import freeze_startup_objects

app = create_app()
freeze_startup_objects()  # the app's objects live as long as the worker (oversight.gc_pause)
