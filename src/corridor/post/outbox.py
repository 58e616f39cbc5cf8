"""The post's durable outbox and the sync that forwards it."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from corridor.domain.commands import MOVEMENT_ACTIONS
from corridor.domain.errors import InvalidInput
from corridor.domain.lifecycle import Action

PENDING, DONE, REJECTED = "pending", "done", "rejected"
FORWARDABLE = ", ".join(MOVEMENT_ACTIONS)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    queued_at TEXT NOT NULL,
    path TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    status INTEGER,
    answer TEXT
)
"""


@dataclass(frozen=True)
class Queued:
    id: int
    key: str
    queued_at: str
    path: str
    body: dict[str, Any]
    state: str
    status: int | None
    answer: str | None


class Response(Protocol):
    @property
    def status_code(self) -> int: ...

    @property
    def text(self) -> str: ...


class Sender(Protocol):
    """What sync needs of an HTTP client (httpx.Client fits)."""

    def post(self, url: str, *, json: Any, headers: Mapping[str, str]) -> Response: ...


@dataclass(frozen=True)
class SyncReport:
    sent: int
    done: int
    rejected: int
    pending: int
    stopped_by: str | None


class Outbox:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as db:
            db.execute(_SCHEMA)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            yield db
        finally:
            db.close()

    def queue(self, mrn: str, action: Action | str, particulars: Mapping[str, Any]) -> Queued:
        """Write the action durably; from here on it will reach the corridor once."""
        action = Action(action)
        if action not in MOVEMENT_ACTIONS:  # the API would refuse it on every sync
            raise InvalidInput(
                f"a post cannot forward {action}: it forwards the actions the API takes as "
                f"POST /movements/MRN/ACTION with their particulars ({FORWARDABLE})"
            )
        path = f"/movements/{mrn.strip().upper()}/{action}"
        body = {key: value for key, value in particulars.items() if value is not None}
        queued_at = datetime.now(UTC).isoformat()
        key = f"post-{uuid.uuid4()}"
        with self._connection() as db:
            db.execute(
                "INSERT INTO outbox (key, queued_at, path, body) VALUES (?, ?, ?, ?)",
                (key, queued_at, path, json.dumps(body, sort_keys=True)),
            )
        return self.item(key)

    def item(self, key: str) -> Queued:
        with self._connection() as db:
            row = db.execute("SELECT * FROM outbox WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise InvalidInput(f"nothing queued under {key}")
        return _queued(row)

    def items(self, state: str | None = None) -> list[Queued]:
        query = "SELECT * FROM outbox" + (" WHERE state = ?" if state else "") + " ORDER BY id"
        with self._connection() as db:
            rows = db.execute(query, (state,) if state else ()).fetchall()
        return [_queued(row) for row in rows]

    def sync(self, sender: Sender, base_url: str, token: str) -> SyncReport:
        """Send pending actions in order; stop at the first one the network or the
        server could not take (it stays pending), so order is kept."""
        sent = done = rejected = 0
        stopped_by = None
        for item in self.items(PENDING):
            outcome = _send(sender, base_url, token, item)
            sent += 1
            if outcome is None:
                stopped_by = f"{item.path}: corridor unreachable or busy; will retry"
                break
            status, answer = outcome
            state = DONE if 200 <= status < 300 else REJECTED
            self._settle(item, state, status, answer)
            done += state == DONE
            rejected += state == REJECTED
        return SyncReport(sent, done, rejected, len(self.items(PENDING)), stopped_by)

    def _settle(self, item: Queued, state: str, status: int, answer: str) -> None:
        with self._connection() as db:
            db.execute(
                "UPDATE outbox SET state = ?, status = ?, answer = ? WHERE id = ? AND state = ?",
                (state, status, answer, item.id, PENDING),
            )


RETRY_LATER = frozenset({408, 425, 429, 500, 502, 503, 504})


def _send(sender: Sender, base_url: str, token: str, item: Queued) -> tuple[int, str] | None:
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": item.key}
    try:
        answer = sender.post(f"{base_url.rstrip('/')}{item.path}", json=item.body, headers=headers)
    except OSError:
        return None
    except Exception as error:  # httpx's transport errors are not OSErrors
        if (
            type(error).__name__.endswith(("Error", "Timeout"))
            and "httpx" in type(error).__module__
        ):
            return None
        raise
    if answer.status_code in RETRY_LATER or _key_in_use(answer):
        return None
    return answer.status_code, answer.text


def _key_in_use(answer: Response) -> bool:
    """Our own earlier attempt is still running (or was cut off): try again later."""
    return answer.status_code == 409 and "idempotency-key-in-use" in answer.text


def _queued(row: tuple[Any, ...]) -> Queued:
    return Queued(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5], row[6], row[7])


@dataclass(frozen=True)
class _Answer:
    status_code: int
    text: str


class UrllibSender:
    """A sender on the standard library alone, for the post's command line."""

    def __init__(self, timeout: float = 10.0) -> None:
        self.timeout = timeout

    def post(self, url: str, *, json: Any, headers: Mapping[str, str]) -> Response:
        import json as json_module
        import urllib.error
        import urllib.request

        data = json_module.dumps(json).encode()
        request = urllib.request.Request(url, data=data, method="POST")
        for name, value in {**headers, "Content-Type": "application/json"}.items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                return _Answer(reply.status, reply.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            return _Answer(error.code, error.read().decode("utf-8", "replace"))
