"""Group commit: concurrent requests handed to one writer, which does them together.

Each ``submit`` queues a request and waits for its answer. One writer thread takes
everything queued when it becomes free (at most ``limit``), runs it through ``run`` (for
lodgings: one transaction, one commit, ``reading.lodge_each``), and only then answers
each request. Nothing waits on a timer: a lone request is taken at once, and requests
that arrive while the writer works form the next group. A group that fails as a whole
(an exception from ``run``) answers each of its requests with that exception.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

Request = TypeVar("Request")
Answer = TypeVar("Answer")


@dataclass(frozen=True)
class _Waiting(Generic[Request]):
    request: Request
    loop: asyncio.AbstractEventLoop
    answer: asyncio.Future[Any]


class GroupCommit(Generic[Request, Answer]):
    """``await group.submit(request)``: the answer ``run`` gave it among its group."""

    def __init__(
        self,
        run: Callable[[Sequence[Request]], Sequence[Answer | Exception]],
        *,
        limit: int = 64,
        name: str = "corridor-group-commit",
    ) -> None:
        self._run, self._limit, self._name = run, limit, name
        self._queue: deque[_Waiting[Request]] = deque()
        self._changed = threading.Condition()
        self._writer: threading.Thread | None = None
        self._closing = False
        self.submitted = 0  # requests queued so far
        self.groups = 0  # groups run so far

    async def submit(self, request: Request) -> Answer:
        loop = asyncio.get_running_loop()
        waiting = _Waiting(request, loop, loop.create_future())
        with self._changed:
            self._queue.append(waiting)
            self.submitted += 1
            self._start_writer()
            self._changed.notify()
        answer: Answer = await waiting.answer
        return answer

    @property
    def queued(self) -> int:
        """Requests waiting for the writer (not those in the group it is running)."""
        with self._changed:
            return len(self._queue)

    def close(self) -> None:
        """Answer what is queued, then stop the writer (a later ``submit`` starts one
        again: an app's lifespan may run more than once, as in tests)."""
        with self._changed:
            self._closing = True
            self._changed.notify()
            writer = self._writer
        if writer is not None:
            writer.join(timeout=60)
        with self._changed:
            self._closing, self._writer = False, None
            if self._queue:  # submitted while it was stopping
                self._start_writer()

    def _start_writer(self) -> None:
        if self._writer is None:  # started by the first request, in the serving process
            self._writer = threading.Thread(target=self._write, name=self._name, daemon=True)
            self._writer.start()

    def _write(self) -> None:
        while (group := self._next_group()) is not None:
            try:
                answers: Sequence[Answer | Exception] = self._run([w.request for w in group])
            except Exception as error:  # the group as a whole failed: so did each request
                answers = [error] * len(group)
            self.groups += 1
            _answer(group, answers)

    def _next_group(self) -> list[_Waiting[Request]] | None:
        with self._changed:
            while not self._queue and not self._closing:
                self._changed.wait()
            count = min(self._limit, len(self._queue))
            return [self._queue.popleft() for _ in range(count)] or None


def _answer(group: list[_Waiting[Any]], answers: Sequence[Any]) -> None:
    """Hand each event loop the answers of its requests in ONE callback: one write to
    its self-pipe and one wake-up per group, not per request (each write also gave the
    GIL away to the busy event loop and waited to get it back)."""
    settling: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], Any]]] = {}
    for waiting, answer in zip(group, answers, strict=True):
        settling.setdefault(waiting.loop, []).append((waiting.answer, answer))
    for loop, settled in settling.items():
        with suppress(RuntimeError):  # its event loop is closed: nobody is waiting any more
            loop.call_soon_threadsafe(_settle_each, settled)


def _settle_each(settled: list[tuple[asyncio.Future[Any], Any]]) -> None:
    for future, answer in settled:
        _settle(future, answer)


def _settle(future: asyncio.Future[Any], answer: Any) -> None:
    if future.done():  # cancelled: the client went away
        return
    if isinstance(answer, Exception):
        future.set_exception(answer)
    else:
        future.set_result(answer)
