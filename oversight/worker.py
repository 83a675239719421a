"""Entry point for the huey consumer: ``huey_consumer oversight.worker.huey``.

Imports no domain: each domain registers its job handlers and periodic tasks from its own
``init_app`` (``oversight.jobs.periodic_task``); they are attached when huey is built. At start
every worker marks jobs whose heartbeat stopped as interrupted."""
from oversight.app import create_app
from oversight.jobs import get_huey

app = create_app()
huey = get_huey(app)
