"""Logging: plain text by default, one JSON object per line with ``MEDCODE_LOG_FORMAT=json``.

Every record carries the request id of the request being served (a context variable set by
the app's middleware), so a client's ``INTERNAL_ERROR`` id finds its traceback.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from contextvars import ContextVar
from typing import Any

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def log_config(fmt: str, level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the service and uvicorn alike."""
    formatter = (
        {"()": JsonFormatter}
        if fmt == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"default": formatter},
        "handlers": {
            "default": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
                        "formatter": "default", "filters": ["request_id"]},
        },
        "loggers": {
            "": {"handlers": ["default"], "level": level},
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": ["default"], "level": "WARNING", "propagate": False},
            "alembic": {"level": "WARNING"},
        },
    }


def configure(fmt: str, level: str = "INFO") -> None:
    import logging.config

    logging.config.dictConfig(log_config(fmt, level))
    ACCESS.format = fmt
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught


def _log_uncaught(*exc_info: Any) -> None:
    logging.getLogger("medcode").critical("uncaught exception", exc_info=exc_info)


class AccessLog:
    """The access log (logger ``medcode.access``): one line per request, in the format of the
    other logs, to standard error, written in batches (every 0.2 s, 256 lines, and at
    shutdown). Through ``logging`` a line cost 16 us, as much as the fast path's whole answer;
    formatted here, with the time stamp made once a second, about 2. It is on when that logger
    is enabled for INFO (``MEDCODE_LOG_LEVEL``), unless ``MEDCODE_ACCESS_LOG=false``."""

    def __init__(self) -> None:
        self.format = "text"
        self.enabled = True
        self._logger = logging.getLogger("medcode.access")
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._second = -1
        self._stamp = ""
        self._written = time.monotonic()

    def request(self, method: str | None, path: str, status: int, seconds: float,
                request_id: str) -> None:
        """A request's line, when the log is on (both request paths; one call on the fast
        path's every answer)."""
        if self.enabled and self._logger.isEnabledFor(logging.INFO):
            self.line(f"{method} {path} {status} {seconds * 1000:.2f}ms", request_id)

    def line(self, message: str, request_id: str) -> None:
        now = time.time()
        second = int(now)
        if second != self._second:
            self._second = second
            self._stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
        millis = int((now - second) * 1000)
        if self.format == "json":
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
            text = json.dumps({"ts": f"{stamp}.{millis:03d}Z", "level": "info",
                               "logger": "medcode.access", "message": message,
                               "request_id": request_id}, ensure_ascii=False)
        else:
            text = f"{self._stamp},{millis:03d} INFO medcode.access [{request_id}] {message}"
        with self._lock:
            self._lines.append(text)
            due = len(self._lines) >= 256 or time.monotonic() - self._written >= 0.2
        if due:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            lines, self._lines = self._lines, []
            self._written = time.monotonic()
        if lines:
            try:
                sys.stderr.write("\n".join(lines) + "\n")
                sys.stderr.flush()
            except (OSError, ValueError):  # stderr closed: nothing to tell
                pass


ACCESS = AccessLog()
