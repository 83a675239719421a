"""Entry point for the huey consumer: ``huey_consumer oversight.worker.huey``."""
from oversight import audit_anchors
from oversight.app import create_app
from oversight.jobs import get_huey
from suppliers.jobs import register_periodic

app = create_app()
huey = get_huey(app)
register_periodic(huey, app)  # daily supplier monitoring (SUPPLIERS_MONITOR_HOUR)
audit_anchors.register_periodic(huey, app)  # hourly anchor of the audit chain
