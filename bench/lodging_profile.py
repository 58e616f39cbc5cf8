"""Where one lodging's time goes: the services in one thread, then the same through the
ASGI app in process, on SQLite (WAL, synchronous=FULL) in a temporary directory.

    python -m bench.lodging_profile [--movements N] [--group G]

Timings of N distinct lodgings each, interleaved, best of three rounds: ``reading.lodge``
called directly (one lodging, one transaction: the CLI's and the web console's path);
``reading.lodge_each`` for one lodging at a time and for groups of G (the API's group
commit: one transaction and one commit per group); and ``POST /movements`` through the
app (middlewares, authentication, FastAPI, the group commit's writer thread, the JSON
answer) without sockets or uvicorn, one request at a time and G at once. What a line
leaves pending (every line leaves its entries pending) is integrated after it,
outside its time, as the sequencer does in the background; its cost per entry is
given after each ``lodge_each`` line. Then groups of G under cProfile: the share of
each step (cumulative time of the functions named in STEPS) is scaled to the
unprofiled time. Writes its section of docs/benchmarks.md beside `bench.api_lodging`'s.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import cProfile
import json
import os
import platform
import pstats
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.api_lodging import BENCHMARKS, EXAMPLE, HOLDER, truck_plate, write_section

ROUNDS = 3

# (label, file suffix, function name): the steps of a lodging in a group, in the order
# they run.
STEPS = [
    ("parse the JSON body into a declaration", "store/codec.py", "declaration_from_text"),
    ("validate the declaration", "domain/validation.py", "validate_declaration"),
    ("screen (before the transaction)", "screening_service.py", "prepare"),
    ("open the transaction (gate, BEGIN IMMEDIATE)", "store/unit_of_work.py", "__enter__"),
    ("the group's MRN serials (one counter update)", "opening.py", "__init__"),
    ("look the LRNs up (one query per group)", "store/repository.py", "find_by_lrns"),
    ("movement rows, their itineraries, event rows", "store/repository.py", "add_many"),
    ("the log entry: build (canonical JSON, commitment)", "ledger/entry.py", "build_entry"),
    ("the entries: store, pending (`append_many`)", "store/log_storage.py", "append_many"),
    ("commit (fsync)", "store/unit_of_work.py", "commit"),
    ("close the transaction", "store/unit_of_work.py", "__exit__"),
]


def _setup(scratch: str) -> tuple[Any, Any, str]:
    from corridor import accounts
    from corridor.bootstrap import Settings, bootstrap
    from corridor.domain.network import Role
    from corridor.domain.principal import Principal

    ctx = bootstrap(Settings(database_url=f"sqlite:///{scratch}/profile.sqlite"), initialise=True)
    token = accounts.add_principal(ctx, Principal("bench", Role.CARRIER, holder=HOLDER)).token
    principal = accounts.authenticate(ctx, token)
    return ctx, principal, token


class Bodies:
    """Distinct declarations: the example, each with its own LRN and truck."""

    def __init__(self) -> None:
        self._template = json.loads(EXAMPLE.read_text(encoding="utf-8"))
        self._count = 0

    def next(self) -> bytes:
        data = copy.deepcopy(self._template)
        data["lrn"] = f"PROF-{self._count:07d}"
        data["transport"]["vehicle"]["plate"] = truck_plate(self._count)
        self._count += 1
        return json.dumps(data).encode()

    def batch(self, count: int) -> list[bytes]:
        return [self.next() for _ in range(count)]


def _per_call_ms(calls: list[bytes], lodge: Callable[[bytes], Any]) -> float:
    started = time.perf_counter()
    for body in calls:
        lodge(body)
    return (time.perf_counter() - started) / len(calls) * 1000


def _grouped_ms(calls: list[bytes], group: int, lodge_each: Callable[[list[bytes]], Any]) -> float:
    started = time.perf_counter()
    for start in range(0, len(calls), group):
        lodge_each(calls[start : start + group])
    return (time.perf_counter() - started) / len(calls) * 1000


async def _asgi_ms(app: Any, calls: list[bytes], token: str, concurrency: int = 1) -> float:
    """POST /movements straight into the ASGI app, from ``concurrency`` clients at once:
    everything but sockets and uvicorn."""
    queue = list(reversed(calls))

    async def client() -> None:
        while queue:
            status = await _post(app, queue.pop(), token)
            assert status == 201, status

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return (time.perf_counter() - started) / len(calls) * 1000


async def _post(app: Any, body: bytes, token: str) -> int:
    headers = [(b"host", b"bench"), (b"authorization", f"Bearer {token}".encode()),
               (b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode())]  # fmt: skip
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/movements",
             "raw_path": b"/movements", "query_string": b"", "root_path": "",
             "headers": headers, "client": ("127.0.0.1", 1),
             "server": ("127.0.0.1", 80)}  # fmt: skip
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return int(sent[0]["status"])


def _shares(profile: cProfile.Profile) -> tuple[float, list[tuple[str, float]]]:
    """Total profiled seconds in ``reading.lodge_each`` (parse included), and each step's
    cumulative seconds."""
    stats: dict[Any, Any] = pstats.Stats(profile).stats  # type: ignore[attr-defined]

    def cumulative(suffix: str, name: str) -> float:
        return sum(
            row[3]
            for (path, _, function), row in stats.items()
            if function == name and path.replace(os.sep, "/").endswith("corridor/" + suffix)
        )

    total = cumulative("reading.py", "lodge_each") + cumulative(
        "store/codec.py", "declaration_from_text"
    )
    return total, [(label, cumulative(suffix, name)) for label, suffix, name in STEPS]


def measure(movements: int, group: int) -> dict[str, Any]:
    from corridor import log_service, reading
    from corridor.api.app import create_app
    from corridor.services import LodgingRequest
    from corridor.store.codec import declaration_from_text

    bodies = Bodies()
    with tempfile.TemporaryDirectory() as scratch:
        ctx, principal, token = _setup(scratch)

        def lodge(body: bytes) -> Any:
            declaration = declaration_from_text(body)
            return reading.lodge(ctx, declaration, principal, pre_lodge=False)

        def lodge_each(calls: list[bytes]) -> Any:
            requests = [LodgingRequest(declaration_from_text(b), principal) for b in calls]
            lodged = reading.lodge_each(ctx, requests)
            assert not [one for one in lodged if isinstance(one, Exception)], lodged
            return lodged

        app = create_app(ctx)
        _per_call_ms(bodies.batch(50), lodge)  # warm up
        asyncio.run(_asgi_ms(app, bodies.batch(50), token, group))
        kinds = ["direct", "one", "sequencer", "group", "group_sequencer", "app", "app_group"]
        runs: dict[str, list[float]] = {kind: [] for kind in kinds}

        def sequencer_ms() -> float:
            """Integrate what a line left pending (every line leaves its entries pending),
            outside its time, as ``corridor serve``'s sequencer does in the background:
            no line pays for the one before it."""
            started = time.perf_counter()
            log_service.integrate_all(ctx)
            return (time.perf_counter() - started) / movements * 1000

        for _ in range(ROUNDS):  # interleaved, best of each: the box is shared
            runs["direct"].append(_per_call_ms(bodies.batch(movements), lodge))
            sequencer_ms()
            runs["one"].append(_grouped_ms(bodies.batch(movements), 1, lodge_each))
            runs["sequencer"].append(sequencer_ms())
            runs["group"].append(_grouped_ms(bodies.batch(movements), group, lodge_each))
            runs["group_sequencer"].append(sequencer_ms())
            runs["app"].append(asyncio.run(_asgi_ms(app, bodies.batch(movements), token)))
            sequencer_ms()
            runs["app_group"].append(
                asyncio.run(_asgi_ms(app, bodies.batch(movements), token, group))
            )
            sequencer_ms()
        app.state.lodgings.close()
        calls = bodies.batch(movements)
        profile = cProfile.Profile()
        profile.enable()
        _grouped_ms(calls, group, lodge_each)
        profile.disable()
        ctx.close()
    total, steps = _shares(profile)
    best = {kind: min(times) for kind, times in runs.items()}
    return {**best, "total": total, "steps": steps}


def report(result: dict[str, Any], args: argparse.Namespace) -> str:
    grouped, total, g = result["group"], result["total"], args.group
    rows = [
        f"| {label} | {seconds / total * grouped:.3f} | {seconds / total:.0%} |"
        for label, seconds in result["steps"]
    ]
    counted = sum(seconds for _, seconds in result["steps"])
    rows.append(
        f"| the rest (authorisation, event, review items, open_movement, glue) "
        f"| {(total - counted) / total * grouped:.3f} | {(total - counted) / total:.0%} |"
    )
    return "\n".join([
        "## Where a lodging's time goes (`python -m bench.lodging_profile`)",
        "",
        f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, load average "
        f"{args.load:.1f} at the start, Python {platform.python_version()}. SQLite (WAL, "
        f"synchronous=FULL) in a temporary directory; {args.movements:,} distinct lodgings "
        f"for each line, in one process; best of {ROUNDS} interleaved rounds.",
        "",
        "| one lodging | ms |",
        "|---|---:|",
        f"| `reading.lodge` called directly, one at a time (parse included) "
        f"| {result['direct']:.2f} |",
        f"| `reading.lodge_each`, a group of one at a time (its entry left pending) "
        f"| {result['one']:.2f} |",
        f"| then the sequencer integrating those entries (in the background; per entry) "
        f"| {result['sequencer']:.2f} |",
        f"| `reading.lodge_each`, groups of {g} (one transaction, one commit each; their "
        f"entries left pending) | {grouped:.2f} |",
        f"| then the sequencer integrating those entries (in the background; per entry) "
        f"| {result['group_sequencer']:.2f} |",
        f"| `POST /movements` through the ASGI app, one request at a time "
        f"| {result['app']:.2f} |",
        f"| `POST /movements` through the ASGI app, {g} requests at once (group commit) "
        f"| {result['app_group']:.2f} |",
        "",
        f"Groups of {g}, step by step, per lodging (shares from cProfile, scaled to the "
        "unprofiled time):",
        "",
        "| step | ms | share |",
        "|---|---:|---:|",
        *rows,
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movements", type=int, default=512)
    parser.add_argument("--group", type=int, default=16, help="lodgings per group")
    parser.add_argument("--no-write", action="store_true", help="print, do not write docs")
    parser.add_argument("--output", type=Path, default=BENCHMARKS, help="the file to update")
    args = parser.parse_args(argv)
    args.load = os.getloadavg()[0]
    text = report(measure(args.movements, args.group), args)
    print(text)
    if not args.no_write:
        write_section("api-profile", text, args.output)


if __name__ == "__main__":
    main()
