"""Entry point for the huey consumer: ``huey_consumer oversight.worker.huey``."""
from oversight.app import create_app
from oversight.jobs import get_huey

app = create_app()
huey = get_huey(app)
