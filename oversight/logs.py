"""Log output: plain text by default; one JSON object per line when ``LOG_FORMAT = "json"``
(``OVERSIGHT_LOG_FORMAT=json``), for a log shipper. Fields: time (UTC, ISO 8601), level,
logger, message, and the exception text when there is one. Nothing is added from requests, so
no form data or cookies reach the log."""
from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from flask import Flask

_MARK = "_oversight_json"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def init_app(app: Flask) -> None:
    """Install the JSON handler on the root logger once (idempotent across app instances)."""
    fmt = str(app.config.get("LOG_FORMAT") or "text").lower()
    if fmt not in ("text", "json"):
        raise RuntimeError("OVERSIGHT_LOG_FORMAT must be 'text' or 'json'.")
    if fmt != "json":
        return
    root = logging.getLogger()
    if any(getattr(h, _MARK, False) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    setattr(handler, _MARK, True)
    for old in [h for h in root.handlers if isinstance(h, logging.StreamHandler)
                and not isinstance(h, logging.FileHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(app.config.get("LOG_LEVEL") or logging.INFO)
    app.logger.handlers.clear()  # propagate to the root's JSON handler
