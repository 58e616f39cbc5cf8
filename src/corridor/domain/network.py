"""The corridor as data: sovereign states, offices, segments, time limits and fees.

Who may decide or record what, at which office, is read from here and never coded:
a corridor where the host state's customs decide and one where a neutral operator
decides differ only in their definition files.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from corridor.domain.errors import InvalidDeclaration
from corridor.domain.oversight import LogOversight


class Mode(StrEnum):
    """How goods move along a segment."""

    ROAD = "road"
    RAIL = "rail"


class Role(StrEnum):
    """The kinds of principal that act in corridor."""

    CARRIER = "carrier"  # holder of the transit procedure: lodges, amends, cancels its own
    CUSTOMS = "customs"  # a state's customs or border officer (back office)
    FRONT_OFFICE = "front_office"  # the operator's agent or machine at one office
    OPERATOR = "operator"  # the company running the corridor and its systems
    MONITOR = "monitor"  # civilian monitor or neighbour's observer: reads only
    WITNESS = "witness"  # cosigns the log's checkpoints
    SYSTEM = "system"  # the clock: time limits that expire


class OfficeFunction(StrEnum):
    """What an office can be on an itinerary."""

    DEPARTURE = "departure"
    TRANSIT = "transit"  # an en-route checkpoint: border crossing or office of transit
    DESTINATION = "destination"


@dataclass(frozen=True)
class Sovereign:
    """A state the corridor crosses (ISO 3166 alpha-2 code)."""

    code: str
    names: Mapping[str, str]


@dataclass(frozen=True)
class Office:
    """A customs office or checkpoint, and which roles decide and record there."""

    code: str
    names: Mapping[str, str]
    state: str
    latitude: float
    longitude: float
    functions: frozenset[OfficeFunction]
    modes: frozenset[Mode]
    decide: frozenset[Role]
    record: frozenset[Role]
    unlocode: str | None = None

    def name(self, language: str = "en") -> str:
        return self.names.get(language) or self.names["en"]


@dataclass(frozen=True)
class Segment:
    """A stretch of road or rail between two offices, usable both ways."""

    ends: tuple[str, str]
    mode: Mode
    length_km: float


@dataclass(frozen=True)
class FeeSchedule:
    """What the front office collects per crossing, in minor units of ``currency``."""

    currency: str
    per_road_vehicle: int
    per_rail_wagon: int
    per_tonne_gross: int = 0


@dataclass(frozen=True)
class Corridor:
    """A whole corridor definition, validated on load."""

    code: str
    name: str
    languages: tuple[str, ...]
    states: Mapping[str, Sovereign]
    offices: Mapping[str, Office]
    segments: tuple[Segment, ...]
    time_limit_hours: Mapping[Mode, int]
    fees: FeeSchedule
    screening: Mapping[str, Any] = field(default_factory=dict)
    simulation: Mapping[str, Any] = field(default_factory=dict)
    log: LogOversight = field(default_factory=LogOversight)
    _routes: dict[tuple[str, str, Mode], tuple[str, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """Routes found so far (a corridor does not change once loaded)."""
    _checkpoints: dict[tuple[str, str, Mode], tuple[str, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """En-route checkpoints found so far, as ``_routes``."""

    def office(self, code: str) -> Office:
        return self.offices[code]

    def route(self, departure: str, destination: str, mode: Mode) -> tuple[str, ...]:
        """The offices of the shortest path by length, ends included."""
        found = self._routes.get((departure, destination, mode))
        if found is None:
            found = _shortest_path(self._adjacency(mode), departure, destination, mode)
            self._routes[departure, destination, mode] = found
        return found

    def en_route_checkpoints(self, departure: str, destination: str, mode: Mode) -> tuple[str, ...]:
        """The transit offices a movement passes between departure and destination."""
        found = self._checkpoints.get((departure, destination, mode))
        if found is None:
            inner = self.route(departure, destination, mode)[1:-1]
            found = tuple(c for c in inner if OfficeFunction.TRANSIT in self.offices[c].functions)
            self._checkpoints[departure, destination, mode] = found
        return found

    def _adjacency(self, mode: Mode) -> dict[str, list[tuple[float, str]]]:
        graph: dict[str, list[tuple[float, str]]] = {code: [] for code in self.offices}
        for segment in self.segments:
            if segment.mode == mode:
                a, b = segment.ends
                graph[a].append((segment.length_km, b))
                graph[b].append((segment.length_km, a))
        return graph


def _shortest_path(
    graph: Mapping[str, list[tuple[float, str]]], start: str, goal: str, mode: Mode
) -> tuple[str, ...]:
    queue: list[tuple[float, str, tuple[str, ...]]] = [(0.0, start, (start,))]
    seen: set[str] = set()
    while queue:
        distance, node, path = heapq.heappop(queue)
        if node == goal:
            return path
        if node in seen:
            continue
        seen.add(node)
        for length, neighbour in graph.get(node, []):
            if neighbour not in seen:
                heapq.heappush(queue, (distance + length, neighbour, (*path, neighbour)))
    raise InvalidDeclaration("itinerary", f"no {mode} route from {start} to {goal}")
