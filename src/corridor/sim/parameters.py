"""The ``[simulation]`` table of a corridor file, parsed strictly: errors name the exact key.

>>> from corridor.corridors import default_corridor_path, load_corridor
>>> parameters = parse_simulation(load_corridor(default_corridor_path()))
>>> parameters.trucks_per_day, sorted(parameters.checkpoints)[0]
(600.0, 'AM0AGR01')
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from corridor.domain.errors import InvalidCorridor, InvalidInput
from corridor.domain.network import Corridor, Mode

Z95 = 1.6448536269514722  # the standard normal's 95th percentile
MAX_P95_RATIO = math.exp(Z95 * Z95 / 2)  # a lognormal's p95 / mean cannot exceed this
SERVICES = ("green", "data_capture", "yellow", "red", "incident")
CHANNELS = ("green", "yellow", "red")
_TOP_KEYS = {
    "trucks_per_day", "trains_per_day", "wagons_per_train", "pre_arrival_share",
    "road_speed_kmh", "rail_speed_kmh", "hourly_profile", "weekday_profile", "flows",
    "service", "channels", "incidents", "closures", "rail", "checkpoints",
}  # fmt: skip
_CHECKPOINT_KEYS = {"lanes", "desks", "bays", "rail_tracks"}
_RAIL_KEYS = {"fixed_minutes", "seal_check_minutes", "seal_check_teams", "wagon_inspection_share"}


@dataclass(frozen=True)
class Distribution:
    """A service time in minutes: ``lognormal`` (a = mu, b = sigma) or ``uniform`` (a..b)."""

    kind: str
    a: float
    b: float

    @property
    def mean(self) -> float:
        if self.kind == "lognormal":
            return math.exp(self.a + self.b * self.b / 2)
        return (self.a + self.b) / 2

    @classmethod
    def lognormal(cls, mean: float, p95_ratio: float) -> Distribution:
        """Solve ``exp(Z95 s - s^2 / 2) = p95_ratio`` for the smaller sigma ``s``."""
        sigma = Z95 - math.sqrt(Z95 * Z95 - 2 * math.log(p95_ratio))
        return cls("lognormal", math.log(mean) - sigma * sigma / 2, sigma)


@dataclass(frozen=True)
class Flow:
    """A share of one mode's traffic from one office to another."""

    departure: str
    destination: str
    mode: Mode
    share: float


@dataclass(frozen=True)
class Channels:
    """Shares of the green, yellow and red channels; they add up to 1."""

    green: float
    yellow: float
    red: float


@dataclass(frozen=True)
class CheckpointCapacity:
    """Lanes per direction (by the office traffic arrives from), desks, bays, rail tracks."""

    office: str
    lanes_from: Mapping[str, int]  # truck lanes for traffic arriving from each neighbour
    desks: int
    bays: int
    rail_tracks: int  # per direction


@dataclass(frozen=True)
class RailService:
    """How long a train holds an inspection track at a checkpoint."""

    fixed_minutes: float
    seal_check_minutes: tuple[float, float]
    seal_check_teams: int
    wagon_inspection_share: float


@dataclass(frozen=True)
class Closures:
    """Whole-checkpoint closures: a Poisson number per year, log-uniform durations."""

    per_year: float
    hours: tuple[float, float]


@dataclass(frozen=True)
class SimulationParameters:
    trucks_per_day: float
    trains_per_day: float
    wagons_per_train: tuple[int, int]
    pre_arrival_share: float
    road_speed_kmh: float
    rail_speed_kmh: float
    hourly_profile: tuple[float, ...]  # 24 shares of a day's trucks, adding up to 1
    weekday_profile: tuple[float, ...]  # 7 factors, Monday first, averaging 1
    flows: tuple[Flow, ...]
    service: Mapping[str, Distribution]  # by name in SERVICES
    with_pre_arrival: Channels
    without_pre_arrival: Channels
    incident_share: float
    closures: Closures
    rail: RailService
    checkpoints: Mapping[str, CheckpointCapacity]

    def speed_kmh(self, mode: Mode) -> float:
        return self.road_speed_kmh if mode is Mode.ROAD else self.rail_speed_kmh


def parse_simulation(corridor: Corridor) -> SimulationParameters:
    """Read ``corridor.simulation``; ``InvalidCorridor`` names the offending key."""
    data = corridor.simulation
    if not data:
        raise InvalidCorridor("simulation", f"corridor {corridor.code} has no [simulation] table")
    _no_unknown_keys(data, _TOP_KEYS, "simulation")
    flows = _flows(_list(data, "flows", "simulation"), corridor)
    return SimulationParameters(
        trucks_per_day=_number(data, "trucks_per_day", "simulation", low=0),
        trains_per_day=_number(data, "trains_per_day", "simulation", low=0),
        wagons_per_train=_int_range(data, "wagons_per_train", "simulation"),
        pre_arrival_share=_share(data, "pre_arrival_share", "simulation"),
        road_speed_kmh=_number(data, "road_speed_kmh", "simulation", low=0, strict=True),
        rail_speed_kmh=_number(data, "rail_speed_kmh", "simulation", low=0, strict=True),
        hourly_profile=_profile(data, "hourly_profile", 24, total=1.0),
        weekday_profile=_profile(data, "weekday_profile", 7, total=7.0),
        flows=flows,
        service=_services(_table(data, "service", "simulation")),
        with_pre_arrival=_channels(data, "with_pre_arrival"),
        without_pre_arrival=_channels(data, "without_pre_arrival"),
        incident_share=_incidents(_table(data, "incidents", "simulation")),
        closures=_closures(_table(data, "closures", "simulation")),
        rail=_rail(_table(data, "rail", "simulation")),
        checkpoints=_checkpoints(_table(data, "checkpoints", "simulation"), flows, corridor),
    )


def _flows(entries: list[Any], corridor: Corridor) -> tuple[Flow, ...]:
    flows = tuple(
        _flow(entry, f"simulation.flows[{i}]", corridor) for i, entry in enumerate(entries)
    )
    for mode in Mode:
        total = sum(flow.share for flow in flows if flow.mode is mode)
        if any(flow.mode is mode for flow in flows) and not math.isclose(total, 1, abs_tol=1e-6):
            raise InvalidCorridor(
                "simulation.flows", f"the {mode} shares add up to {total:g}, not 1"
            )
    if not flows:
        raise InvalidCorridor("simulation.flows", "at least one flow")
    return flows


def _flow(entry: Any, path: str, corridor: Corridor) -> Flow:
    entry = _as_table(entry, path)
    _no_unknown_keys(entry, {"departure", "destination", "mode", "share"}, path)
    ends = [_office_code(entry, key, path, corridor) for key in ("departure", "destination")]
    mode = _mode(entry, path)
    share = _number(entry, "share", path, low=0, high=1, strict=True)
    try:
        corridor.route(ends[0], ends[1], mode)
    except InvalidInput:
        raise InvalidCorridor(path, f"no {mode} route from {ends[0]} to {ends[1]}") from None
    return Flow(departure=ends[0], destination=ends[1], mode=mode, share=share)


def _services(table: Mapping[str, Any]) -> dict[str, Distribution]:
    _no_unknown_keys(table, set(SERVICES), "simulation.service")
    return {name: _distribution(table, name) for name in SERVICES}


def _distribution(table: Mapping[str, Any], name: str) -> Distribution:
    path = f"simulation.service.{name}"
    entry = _table(table, name, "simulation.service")
    kind = entry.get("distribution")
    if kind == "lognormal":
        _no_unknown_keys(entry, {"distribution", "mean_minutes", "p95_ratio"}, path)
        mean = _number(entry, "mean_minutes", path, low=0, strict=True)
        ratio = _number(entry, "p95_ratio", path, low=1, high=MAX_P95_RATIO, strict=True)
        return Distribution.lognormal(mean, ratio)
    if kind == "uniform":
        _no_unknown_keys(entry, {"distribution", "min_minutes", "max_minutes"}, path)
        low = _number(entry, "min_minutes", path, low=0)
        high = _number(entry, "max_minutes", path, low=low)
        return Distribution("uniform", low, high)
    raise InvalidCorridor(f"{path}.distribution", "'lognormal' or 'uniform'")


def _channels(data: Mapping[str, Any], key: str) -> Channels:
    channels = _table(data, "channels", "simulation")
    _no_unknown_keys(channels, {"with_pre_arrival", "without_pre_arrival"}, "simulation.channels")
    path = f"simulation.channels.{key}"
    entry = _table(channels, key, "simulation.channels")
    _no_unknown_keys(entry, set(CHANNELS), path)
    shares = {name: _share(entry, name, path) for name in CHANNELS}
    if not math.isclose(sum(shares.values()), 1, abs_tol=1e-6):
        raise InvalidCorridor(path, f"the shares add up to {sum(shares.values()):g}, not 1")
    return Channels(**shares)


def _incidents(table: Mapping[str, Any]) -> float:
    _no_unknown_keys(table, {"share"}, "simulation.incidents")
    return _share(table, "share", "simulation.incidents")


def _closures(table: Mapping[str, Any]) -> Closures:
    path = "simulation.closures"
    _no_unknown_keys(table, {"per_year", "hours"}, path)
    low, high = _number_range(table, "hours", path, strict=True)
    return Closures(per_year=_number(table, "per_year", path, low=0), hours=(low, high))


def _rail(table: Mapping[str, Any]) -> RailService:
    path = "simulation.rail"
    _no_unknown_keys(table, _RAIL_KEYS, path)
    return RailService(
        fixed_minutes=_number(table, "fixed_minutes", path, low=0),
        seal_check_minutes=_number_range(table, "seal_check_minutes", path),
        seal_check_teams=_int(table, "seal_check_teams", path, low=1),
        wagon_inspection_share=_share(table, "wagon_inspection_share", path),
    )


def _checkpoints(
    table: Mapping[str, Any], flows: tuple[Flow, ...], corridor: Corridor
) -> dict[str, CheckpointCapacity]:
    directions = arrival_directions(flows, corridor)
    for code, sources in directions.items():
        if code not in table:
            raise InvalidCorridor(
                f"simulation.checkpoints.{code}",
                f"is required: simulation.flows[{sources[0][1]}] passes it",
            )
    checkpoints = {}
    for code, entry in table.items():
        path = f"simulation.checkpoints.{code}"
        if code not in directions:
            raise InvalidCorridor(path, "no flow passes this office as an en-route checkpoint")
        arrive_from = sorted({office for office, _ in directions[code]})
        checkpoints[code] = _checkpoint(code, _as_table(entry, path), path, arrive_from)
    return checkpoints


def arrival_directions(
    flows: tuple[Flow, ...], corridor: Corridor
) -> dict[str, list[tuple[str, int]]]:
    """Each en-route checkpoint: (office traffic arrives from, flow index), in flow order."""
    directions: dict[str, list[tuple[str, int]]] = {}
    for index, flow in enumerate(flows):
        route = corridor.route(flow.departure, flow.destination, flow.mode)
        for code in corridor.en_route_checkpoints(flow.departure, flow.destination, flow.mode):
            previous = route[route.index(code) - 1]
            directions.setdefault(code, []).append((previous, index))
    return directions


def _checkpoint(
    code: str, entry: Mapping[str, Any], path: str, arrive_from: list[str]
) -> CheckpointCapacity:
    _no_unknown_keys(entry, _CHECKPOINT_KEYS, path)
    lanes = entry.get("lanes")
    if isinstance(lanes, dict):
        for office in lanes:
            if office not in arrive_from:
                raise InvalidCorridor(f"{path}.lanes.{office}", "no flow arrives from there")
        lanes_from = {office: _int(lanes, office, f"{path}.lanes", low=1) for office in arrive_from}
    else:
        count = _int(entry, "lanes", path, low=1)
        lanes_from = dict.fromkeys(arrive_from, count)
    return CheckpointCapacity(
        office=code,
        lanes_from=lanes_from,
        desks=_int(entry, "desks", path, low=1),
        bays=_int(entry, "bays", path, low=1),
        rail_tracks=_int(entry, "rail_tracks", path, low=1),
    )


def _profile(data: Mapping[str, Any], key: str, length: int, total: float) -> tuple[float, ...]:
    path = f"simulation.{key}"
    values = _list(data, key, "simulation")
    if len(values) != length:
        raise InvalidCorridor(path, f"{length} weights are required, not {len(values)}")
    for index, value in enumerate(values):
        if not _is_number(value) or value < 0:
            raise InvalidCorridor(f"{path}[{index}]", "a non-negative number")
    if sum(values) <= 0:
        raise InvalidCorridor(path, "at least one weight must be positive")
    return tuple(float(value) * total / sum(values) for value in values)


def _office_code(entry: Mapping[str, Any], key: str, path: str, corridor: Corridor) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or value not in corridor.offices:
        raise InvalidCorridor(f"{path}.{key}", f"{value!r} is not an office of the corridor")
    return value


def _mode(entry: Mapping[str, Any], path: str) -> Mode:
    value: Any = entry.get("mode")
    try:
        return Mode(value)
    except ValueError:
        allowed = ", ".join(str(mode) for mode in Mode)
        raise InvalidCorridor(f"{path}.mode", f"{value!r} is not one of {allowed}") from None


def _number(
    entry: Mapping[str, Any],
    key: str,
    path: str,
    *,
    low: float | None = None,
    high: float | None = None,
    strict: bool = False,
) -> float:
    value: Any = entry.get(key)
    if not _is_number(value):
        raise InvalidCorridor(f"{path}.{key}", "a number is required")
    if low is not None and (value < low or (strict and value == low)):
        raise InvalidCorridor(
            f"{path}.{key}", f"must be {'above' if strict else 'at least'} {low:g}"
        )
    if high is not None and value > high:
        raise InvalidCorridor(f"{path}.{key}", f"must be at most {high:g}")
    return float(value)


def _share(entry: Mapping[str, Any], key: str, path: str) -> float:
    return _number(entry, key, path, low=0, high=1)


def _int(entry: Mapping[str, Any], key: str, path: str, *, low: int) -> int:
    value = entry.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise InvalidCorridor(f"{path}.{key}", f"a whole number of at least {low} is required")
    return value


def _number_range(
    entry: Mapping[str, Any], key: str, path: str, *, strict: bool = False
) -> tuple[float, float]:
    values = entry.get(key)
    if (
        not isinstance(values, list)
        or len(values) != 2
        or not all(_is_number(value) for value in values)
        or values[0] < 0
        or (strict and values[0] == 0)
        or values[1] < values[0]
    ):
        lowest = "positive" if strict else "non-negative"
        raise InvalidCorridor(f"{path}.{key}", f"[low, high]: two {lowest} numbers, low <= high")
    return float(values[0]), float(values[1])


def _int_range(entry: Mapping[str, Any], key: str, path: str) -> tuple[int, int]:
    values = entry.get(key)
    if (
        not isinstance(values, list)
        or len(values) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in values)
        or not 1 <= values[0] <= values[1]
    ):
        raise InvalidCorridor(f"{path}.{key}", "[low, high]: two whole numbers, 1 <= low <= high")
    return values[0], values[1]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _list(entry: Mapping[str, Any], key: str, path: str) -> list[Any]:
    value = entry.get(key)
    if not isinstance(value, list):
        raise InvalidCorridor(f"{path}.{key}", "a list is required")
    return value


def _table(entry: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
    if key not in entry:
        raise InvalidCorridor(f"{path}.{key}", "is required")
    return _as_table(entry[key], f"{path}.{key}")


def _as_table(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise InvalidCorridor(path, "a table is required")
    return value


def _no_unknown_keys(entry: Mapping[str, Any], allowed: set[str], path: str) -> None:
    for key in entry:
        if key not in allowed:
            raise InvalidCorridor(f"{path}.{key}", "unknown key")
