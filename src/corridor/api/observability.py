"""Operations: one JSON log line per request, and Prometheus metrics.

Metrics: ``corridor_http_requests_total{method,route,status}``,
``corridor_http_request_duration_seconds{method,route}`` (histogram) and
``corridor_movements{state}`` (read from the database at each scrape). Under several
workers (``PROMETHEUS_MULTIPROC_DIR`` set) the request metrics of all are aggregated.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import random
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any, TextIO

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from corridor import services
from corridor.bootstrap import Context

access_log = logging.getLogger("corridor.api.access")
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    """The request metrics of one app (a registry of its own, so apps never share)."""

    def __init__(self, ctx_of: Any) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "corridor_http_requests", "HTTP requests answered.",
            ["method", "route", "status"], registry=self.registry,
        )  # fmt: skip
        self.latency = Histogram(
            "corridor_http_request_duration_seconds", "Time to answer an HTTP request.",
            ["method", "route"], buckets=BUCKETS, registry=self.registry,
        )  # fmt: skip
        self._movements = MovementsByState(ctx_of)
        # Each label set's child, kept: ``labels()`` checks and looks them up every time.
        self._counted: dict[tuple[str, str, int], Any] = {}
        self._timed: dict[tuple[str, str], Any] = {}

    def record(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request and observe its duration."""
        counted = self._counted.get((method, route, status))
        if counted is None:
            counted = self._counted[method, route, status] = self.requests.labels(
                method, route, str(status)
            )
        timed = self._timed.get((method, route))
        if timed is None:
            timed = self._timed[method, route] = self.latency.labels(method, route)
        counted.inc()
        timed.observe(seconds)

    def exposition(self) -> bytes:
        registry = self.registry
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry) + generate_latest(_Only(self._movements))


class MovementsByState(Collector):
    """``corridor_movements{state}``: a gauge read from the database when scraped."""

    def __init__(self, ctx_of: Any) -> None:
        self._ctx_of = ctx_of

    def collect(self) -> Iterator[GaugeMetricFamily]:
        ctx: Context = self._ctx_of()
        gauge = GaugeMetricFamily("corridor_movements", "Movements by state.", labels=["state"])
        for state, count in sorted(services.count_by_state(ctx).items()):
            gauge.add_metric([state], count)
        yield gauge


class _Only(CollectorRegistry):
    def __init__(self, collector: Collector) -> None:
        super().__init__(auto_describe=False)
        self.register(collector)


class ObservabilityMiddleware:
    """Times every request, names it by route, logs it and counts it."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id(scope)
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                _set_header(message, b"x-request-id", request_id.encode("latin-1"))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, status, time.perf_counter() - started, request_id)

    def _record(self, scope: Scope, status: int, seconds: float, request_id: str) -> None:
        route = getattr(scope.get("route"), "path", None) or "unmatched"
        method = scope["method"]
        self.metrics.record(method, route, status, seconds)
        if not access_log.isEnabledFor(logging.INFO):
            return  # (under --log-level warning: no line, so no fields to gather)
        principal = scope.get("state", {}).get("principal")
        fields = {
            "method": method, "path": scope["path"], "route": route, "status": status,
            "duration_ms": round(seconds * 1000, 3),
            "principal": principal.id if principal else None,
            "role": str(principal.role) if principal else None, "request_id": request_id,
            "pid": os.getpid(),
        }  # fmt: skip
        handler = _sole_json_lines(access_log)
        if handler is None:
            access_log.info("request", extra={"fields": fields})
        else:  # the same line, without a LogRecord's making and handling
            line = JsonLines.line(time.time(), "info", access_log.name, "request", fields)
            handler.write_line(line)


def _set_header(message: Message, name: bytes, value: bytes) -> None:
    """``MutableHeaders(scope=message)[name] = value``, without the object: the first
    ``name`` header takes ``value``, any others go; none, and it is appended."""
    headers = message["headers"] = list(message["headers"])
    found = [index for index, (key, _) in enumerate(headers) if key == name]
    for index in reversed(found[1:]):
        del headers[index]
    if found:
        headers[found[0]] = (name, value)
    else:
        headers.append((name, value))


def _sole_json_lines(logger: logging.Logger) -> BackgroundLines | None:
    """The one handler an INFO record of ``logger`` would reach, if it is corridor's own
    (``configure_logging``: a ``BackgroundLines`` writing ``JsonLines``) and nothing
    else would see the record (no filter, no other handler); otherwise ``None``, and
    the record goes through ``logging`` as any other. Walks as ``Logger.callHandlers``."""
    if logger.filters:
        return None
    found: BackgroundLines | None = None
    current: logging.Logger | None = logger
    while current is not None:
        for handler in current.handlers:
            if found is not None or type(handler) is not BackgroundLines:
                return None
            found = handler
        current = current.parent if current.propagate else None
    if (
        found is None
        or found.filters
        or found.level > logging.INFO
        or type(found.formatter) is not JsonLines
    ):
        return None
    return found


def _request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            text: str = value.decode("latin-1")
            if 0 < len(text) <= 128 and text.isprintable():
                return text
    # Unique, not secret: from the process's PRNG (reseeded in each worker), not
    # uuid4's os.urandom, a system call that gives the GIL away to a busy writer thread
    # and waits for it back (about 1 ms a request under group commit).
    return f"{random.getrandbits(128):032x}"


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        exception = self.formatException(record.exc_info) if record.exc_info else None
        return self.line(record.created, record.levelname.lower(), record.name,
                         record.getMessage(), getattr(record, "fields", {}), exception)  # fmt: skip

    @staticmethod
    def line(
        created: float, level: str, logger: str, message: str, fields: Any,
        exception: str | None = None,
    ) -> str:  # fmt: skip
        """A record's line (``format``), from its parts."""
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds"),
            "level": level, "logger": logger, "message": message, **fields,
        }  # fmt: skip
        if exception is not None:
            line["exception"] = exception
        return _LINE.encode(line)


_LINE = json.JSONEncoder(ensure_ascii=False, default=str)  # json.dumps's, made once


class BackgroundLines(logging.StreamHandler[TextIO]):
    """A stream handler whose writes happen in a thread of its own, in order.

    Each record is formatted where it is logged, as ``StreamHandler`` does (the same
    bytes, tracebacks included); only the write moves. A write is a system call that
    gives the GIL away, and the event loop, which logs every request, then waited to get
    it back from the group commit's busy writer thread: with the access log on, about
    0.14 ms more of the event loop's CPU and 1 ms more wall time per lodging (POST
    /movements in process, 16 at once). Lines queued meanwhile are written together.
    ``flush`` waits until what is queued is written; ``logging.shutdown`` calls it at exit.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream)
        self._queued: queue.SimpleQueue[str | threading.Event] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._queued.put(self.format(record) + self.terminator)
        except Exception:
            self.handleError(record)
            return
        self._start_writer()  # (under the handler's lock)

    def write_line(self, line: str) -> None:
        """Queue a line formatted already, as ``emit`` queues a record's."""
        with self.lock:  # type: ignore[union-attr]
            self._queued.put(line + self.terminator)
            self._start_writer()

    def _start_writer(self) -> None:
        if self._writer is None or not self._writer.is_alive():
            self._writer = threading.Thread(
                target=self._write, name="corridor-log-lines", daemon=True
            )
            self._writer.start()

    def flush(self) -> None:
        """Wait (5 s at most) until every line queued so far is written and flushed."""
        if self._writer is not None and self._writer.is_alive():
            written = threading.Event()
            self._queued.put(written)
            written.wait(timeout=5)
        else:
            super().flush()

    def _write(self) -> None:
        while True:
            waiting = [self._queued.get()]
            with suppress(queue.Empty):
                while True:
                    waiting.append(self._queued.get_nowait())
            text = "".join(item for item in waiting if isinstance(item, str))
            try:
                self.stream.write(text)
                self.stream.flush()
            except Exception:
                self.handleError(logging.makeLogRecord({"msg": text}))
            for item in waiting:
                if isinstance(item, threading.Event):
                    item.set()


def configure_logging(level: str = "info") -> None:
    """JSON lines on stderr for corridor's loggers (called by `corridor serve`), written
    in the background (``BackgroundLines``)."""
    handler = BackgroundLines()
    handler.setFormatter(JsonLines())
    for name in ("corridor", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level.upper())
        logger.propagate = False
