"""Structured logging: key=value text for people, one JSON object per line for collectors."""

import json
import logging
import sys

from flask import Flask, g, has_request_context, request


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object with the request context when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry["method"] = request.method
            entry["path"] = request.path
            entry["request_id"] = g.get("request_id")
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"


def configure_logging(app: Flask) -> None:
    """Attach one handler to the root logger, in the configured format and level."""
    root = logging.getLogger()
    if any(getattr(h, "_atlas", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler._atlas = True
    if app.config["ATLAS_LOG_FORMAT"] == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(app.config["ATLAS_LOG_LEVEL"])
    # WeasyPrint reports every rendering step at INFO; only its warnings concern an operator
    for chatty in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(chatty).setLevel(max(logging.WARNING, root.level))
