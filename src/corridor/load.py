"""`corridor load`: drive the real API with simulated corridor traffic, bounded in count
and time, on this machine's loopback only, and report throughput and latency.

Movements arrive as the corridor's simulation parameters say (trucks per day, the
hourly profile, the flows by direction), sped up by ``speedup``; each one is lodged by
its carrier, accepted, controlled as its screening channel requires, released, seen at
every checkpoint by whoever records there, and arrives and is discharged — every step
an HTTP request with its own idempotency key, timed.
"""

from __future__ import annotations

import json
import random
import statistics
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

from corridor import accounts
from corridor.bootstrap import Context
from corridor.domain.errors import InvalidInput
from corridor.domain.network import Mode, Role
from corridor.domain.principal import Principal
from corridor.sim.parameters import parse_simulation
from corridor.sim.traffic import Lane, declaration
from corridor.store.codec import declaration_to_json


@dataclass
class LoadReport:
    movements: int = 0
    completed: int = 0
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        every = [value for values in self.latencies.values() for value in values]
        return {
            "movements": self.movements,
            "completed": self.completed,
            "requests": self.requests,
            "errors": len(self.errors),
            "seconds": round(self.seconds, 2),
            "requests_per_second": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            "latency_ms": _percentiles(every),
            "by_step": {
                step: _percentiles(values) for step, values in sorted(self.latencies.items())
            },
        }


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    return {
        "p50": at(0.50),
        "p95": at(0.95),
        "p99": at(0.99),
        "mean": round(1000 * statistics.fmean(ordered), 2),
    }


NAMESAKE_NOTE = "Simulated traffic: a fictional party, not the listed entity"


def _open_hits(movement: dict[str, Any]) -> bool:
    """Whether the movement's risk assessment has a party hit not yet decided."""
    reasons = (movement.get("risk") or {}).get("reasons") or ()
    return any("entity_id" in r["evidence"] and "review" not in r["evidence"] for r in reasons)


def require_loopback(url: str) -> str:
    host = urlsplit(url).hostname or ""
    try:
        loopback = host == "localhost" or ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise InvalidInput(f"--url {url}: the load generator targets this machine's loopback only")
    return url.rstrip("/")


class LoadRun:
    def __init__(self, ctx: Context, url: str, seed: int) -> None:
        self.ctx, self.url = ctx, require_loopback(url)
        self.seed, self.rng = seed, random.Random(seed)
        self.report = LoadReport()
        self._lock = threading.Lock()
        self._tokens: dict[Principal, str] = {}
        self.parameters = parse_simulation(ctx.corridor)

    def run(
        self, movements: int, speedup: float, max_seconds: float, concurrency: int
    ) -> LoadReport:
        """Start ``movements`` at the simulated rates (sped up); stop at ``max_seconds``."""
        started = time.monotonic()
        deadline = started + max_seconds
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            at = started
            for serial in range(movements):
                at += self._gap(speedup)
                if at > deadline:
                    break
                trip = self._trip(serial)  # made as it arrives: no time lost up front
                time.sleep(max(0.0, at - time.monotonic()))
                self.report.movements += 1
                pool.submit(self._drive, trip, deadline)
        self.report.seconds = time.monotonic() - started
        return self.report

    def _gap(self, speedup: float) -> float:
        hour = int(time.time() // 3600) % 24
        per_hour = self.parameters.trucks_per_day * self.parameters.hourly_profile[hour]
        return self.rng.expovariate(max(per_hour, 1e-6) * speedup / 3600)

    def _trip(self, serial: int) -> dict[str, Any]:
        flows = self.parameters.flows
        flow = self.rng.choices(flows, [f.share for f in flows])[0]
        lane = Lane(
            f"{flow.departure}-{flow.destination}",
            flow.departure,
            flow.destination,
            ("AZ", "AM", "TR"),
        )
        made = declaration(self.rng, serial, lane, Mode(flow.mode))
        made = made.with_en_route(
            self.ctx.corridor.en_route_checkpoints(
                flow.departure, flow.destination, made.transport.mode
            )
        )
        data = declaration_to_json(made)
        data["lrn"] = f"LOAD-{uuid.uuid4().hex[:12]}"
        return data

    def _drive(self, data: dict[str, Any], deadline: float) -> None:
        try:
            self._steps(data, deadline)
        except Exception as error:  # counted and shown, never hidden
            with self._lock:
                self.report.errors.append(f"{data['lrn']}: {error}")

    def _steps(self, data: dict[str, Any], deadline: float) -> None:
        itinerary = data["itinerary"]
        carrier = Principal(
            f"load-carrier-{data['holder']['identification_number']}",
            Role.CARRIER,
            holder=data["holder"]["identification_number"],
        )
        mrn = self._call("lodge", carrier, "/movements", data)["mrn"]
        departure = self._decider(itinerary["departure"])
        accepted = self._call("accept", departure, f"/movements/{mrn}/accept", {})
        if _open_hits(accepted):  # release waits for a decision on each screening hit
            accepted = self._dismiss_hits(departure, mrn)
        channel = (accepted.get("risk") or {}).get("channel", "green")
        if channel != "green":
            kind = "physical" if channel == "red" else "documentary"
            self._call("control", departure, f"/movements/{mrn}/control", {"kind": kind})
        seals = [f"L{self.rng.randrange(10**7):07d}"]
        moved = self._call("release", departure, f"/movements/{mrn}/release", {"seals": seals})
        for office in itinerary.get("en_route") or ():
            moved = self._call(
                "record_passage",
                self._recorder(office),
                f"/movements/{mrn}/record_passage",
                {"office": office, "arrived_at": self._arrival(data, office, moved)},
            )
        destination = itinerary["destination"]
        self._call(
            "record_arrival",
            self._recorder(destination),
            f"/movements/{mrn}/record_arrival",
            {"office": destination},
        )
        self._call(
            "discharge",
            self._decider(destination),
            f"/movements/{mrn}/discharge",
            {"office": destination},
        )
        with self._lock:
            self.report.completed += 1

    def _arrival(self, data: dict[str, Any], office: str, before: dict[str, Any]) -> str:
        """When the vehicle reached the checkpoint's gate: a dwell drawn for this trip and
        office (the same for a seed, whatever order the threads run in) before the time of
        the movement's last change on the server's clock. A trip runs in seconds here, so
        the arrival may come before its release; the dwell's size is what is realistic."""
        road = data["transport"]["mode"] == Mode.ROAD
        draw = random.Random(f"{self.seed}/{data['lrn']}/{office}")
        dwell = timedelta(minutes=draw.uniform(5, 90) if road else draw.uniform(15, 180))
        return (datetime.fromisoformat(before["updated_at"]) - dwell).isoformat()

    def _dismiss_hits(self, officer: Principal, mrn: str) -> dict[str, Any]:
        """The officer dismisses each open hit (the simulated parties are fictional:
        namesakes at most); the movement as it then is."""
        queue = f"{self.url}/screening/reviews?mrn={mrn}&state=open&limit=200"
        for item in self._get("reviews", officer, queue)["items"]:
            path = f"/screening/reviews/{item['id']}/dismiss"
            self._call("dismiss_hit", officer, path, {"note": NAMESAKE_NOTE})
        return self._get("movement", officer, f"{self.url}/movements/{mrn}")

    def _decider(self, office_code: str) -> Principal:
        office = self.ctx.corridor.office(office_code)
        return Principal(f"load-customs-{office.state.lower()}", Role.CUSTOMS, state=office.state)

    def _recorder(self, office_code: str) -> Principal:
        office = self.ctx.corridor.office(office_code)
        if Role.FRONT_OFFICE in office.record:
            return Principal(
                f"load-gate-{office_code.lower()}", Role.FRONT_OFFICE, office=office_code
            )
        return self._decider(office_code)

    def _token(self, principal: Principal) -> str:
        with self._lock:
            if principal not in self._tokens:
                self._tokens[principal] = accounts.add_principal(self.ctx, principal).token
            return self._tokens[principal]

    def _call(
        self, step: str, principal: Principal, path: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.url}{path}", data=json.dumps(body).encode(), method="POST"
        )
        request.add_header("Content-Type", "application/json")
        request.add_header("Idempotency-Key", f"load-{uuid.uuid4()}")
        return self._send(step, principal, request)

    def _get(self, step: str, principal: Principal, url: str) -> dict[str, Any]:
        return self._send(step, principal, urllib.request.Request(url))

    def _send(
        self, step: str, principal: Principal, request: urllib.request.Request
    ) -> dict[str, Any]:
        request.add_header("Authorization", f"Bearer {self._token(principal)}")
        began = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                answer: dict[str, Any] = json.loads(reply.read())
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"{step} -> {error.code}: {error.read()[:300]!r}") from None
        finally:
            with self._lock:
                self.report.requests += 1
                self.report.latencies[step].append(time.perf_counter() - began)
        return answer
