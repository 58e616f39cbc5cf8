"""Load a corridor definition (TOML) and validate it, naming the exact key of any error.

>>> corridor = load_corridor(default_corridor_path())
>>> corridor.code
'TRIPP'
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from corridor.domain.errors import InvalidCorridor
from corridor.domain.network import (
    Corridor,
    FeeSchedule,
    Mode,
    Office,
    OfficeFunction,
    Role,
    Segment,
    Sovereign,
)
from corridor.domain.oversight import MONITOR_PREFIX, CosigningPolicy, LogOversight, LogWitness
from corridor.ledger.cosignature import cosignature_verifier
from corridor.ledger.note import NoteError
from corridor.paths import corridors_dir

_OFFICE_CODE = re.compile(r"^[A-Z]{2}[A-Z0-9]{6}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_MONITOR = re.compile(r"^monitor:[a-z0-9][a-z0-9._-]*$")
_URL = re.compile(r"^https?://[^\s/?#]+(/[^\s?#]*)?$")
ACTING_ROLES = frozenset({Role.CUSTOMS, Role.FRONT_OFFICE, Role.OPERATOR})
_TOP_KEYS = {
    "code", "name", "languages", "time_limit_hours", "fees", "states", "offices", "segments",
    "screening", "simulation", "log",
}  # fmt: skip
_OFFICE_KEYS = {
    "names",
    "state",
    "coordinates",
    "functions",
    "modes",
    "decide",
    "record",
    "unlocode",
}


def default_corridor_path() -> Path:
    return corridors_dir() / "tripp.toml"


def load_corridor(path: Path | str) -> Corridor:
    """Read and validate a corridor file; ``InvalidCorridor`` names the offending key."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidCorridor(str(path), "no such corridor file") from None
    except tomllib.TOMLDecodeError as error:
        raise InvalidCorridor(str(path), f"not valid TOML: {error}") from None
    return corridor_from_dict(data)


def corridor_from_dict(data: Mapping[str, Any]) -> Corridor:
    _no_unknown_keys(data, _TOP_KEYS, "")
    languages = tuple(_list(data, "languages", "", str))
    if "en" not in languages:
        raise InvalidCorridor("languages", "must include 'en'")
    states = _states(_table(data, "states", ""), languages)
    offices = _offices(_table(data, "offices", ""), languages, states)
    segments = _segments(_list(data, "segments", "", dict), offices)
    return Corridor(
        code=_str(data, "code", ""),
        name=_str(data, "name", ""),
        languages=languages,
        states=states,
        offices=offices,
        segments=segments,
        time_limit_hours=_time_limits(_table(data, "time_limit_hours", ""), segments),
        fees=_fees(_table(data, "fees", "")),
        screening=_optional_table(data, "screening"),
        simulation=_optional_table(data, "simulation"),
        log=_log(_optional_table(data, "log"), states),
    )


def _states(table: Mapping[str, Any], languages: tuple[str, ...]) -> dict[str, Sovereign]:
    states = {}
    for code, entry in table.items():
        path = f"states.{code}"
        if not _COUNTRY.match(code):
            raise InvalidCorridor(path, "state codes are ISO 3166 alpha-2, e.g. AM")
        entry = _as_table(entry, path)
        _no_unknown_keys(entry, {"names"}, path)
        states[code] = Sovereign(code=code, names=_names(entry, path, languages))
    if not states:
        raise InvalidCorridor("states", "at least one state")
    return states


def _offices(
    table: Mapping[str, Any], languages: tuple[str, ...], states: Mapping[str, Sovereign]
) -> dict[str, Office]:
    offices = {code: _office(code, entry, languages, states) for code, entry in table.items()}
    if len(offices) < 2:
        raise InvalidCorridor("offices", "at least two offices")
    return offices


def _office(
    code: str, entry: Any, languages: tuple[str, ...], states: Mapping[str, Sovereign]
) -> Office:
    path = f"offices.{code}"
    entry = _as_table(entry, path)
    _no_unknown_keys(entry, _OFFICE_KEYS, path)
    if not _OFFICE_CODE.match(code):
        raise InvalidCorridor(path, "office codes are 8 characters: country code + 6")
    state = _str(entry, "state", path)
    if state not in states:
        raise InvalidCorridor(f"{path}.state", f"{state!r} is not one of the corridor's states")
    if not code.startswith(state):
        raise InvalidCorridor(path, f"an office of {state} has a code starting with {state}")
    latitude, longitude = _coordinates(entry, path)
    decide = _roles(entry, "decide", path)
    record = _roles(entry, "record", path)
    unlocode = entry.get("unlocode")
    if unlocode is not None and not isinstance(unlocode, str):
        raise InvalidCorridor(f"{path}.unlocode", "must be a string")
    return Office(
        code=code,
        names=_names(entry, path, languages),
        state=state,
        latitude=latitude,
        longitude=longitude,
        functions=frozenset(_enums(entry, "functions", path, OfficeFunction)),
        modes=frozenset(_enums(entry, "modes", path, Mode)),
        decide=decide,
        record=record,
        unlocode=unlocode,
    )


def _coordinates(entry: Mapping[str, Any], path: str) -> tuple[float, float]:
    values = _list(entry, "coordinates", path, (int, float))
    if len(values) != 2:
        raise InvalidCorridor(f"{path}.coordinates", "[latitude, longitude]")
    latitude, longitude = float(values[0]), float(values[1])
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise InvalidCorridor(f"{path}.coordinates", "latitude or longitude out of range")
    return latitude, longitude


def _roles(entry: Mapping[str, Any], key: str, path: str) -> frozenset[Role]:
    roles = frozenset(_enums(entry, key, path, Role))
    stray = roles - ACTING_ROLES
    if stray:
        names = ", ".join(sorted(stray))
        raise InvalidCorridor(f"{path}.{key}", f"{names} cannot act at an office")
    return roles


def _segments(entries: list[Any], offices: Mapping[str, Office]) -> tuple[Segment, ...]:
    segments = []
    for index, entry in enumerate(entries):
        path = f"segments[{index}]"
        _no_unknown_keys(entry, {"ends", "mode", "length_km"}, path)
        ends = tuple(_list(entry, "ends", path, str))
        mode = _enum(entry, "mode", path, Mode)
        if len(ends) != 2 or ends[0] == ends[1]:
            raise InvalidCorridor(f"{path}.ends", "two different office codes")
        for end in ends:
            if end not in offices:
                raise InvalidCorridor(f"{path}.ends", f"unknown office {end!r}")
            if mode not in offices[end].modes:
                raise InvalidCorridor(f"{path}.mode", f"{end} does not handle {mode}")
        length = entry.get("length_km")
        if not isinstance(length, int | float) or isinstance(length, bool) or length <= 0:
            raise InvalidCorridor(f"{path}.length_km", "a positive number of kilometres")
        segments.append(Segment(ends=(ends[0], ends[1]), mode=mode, length_km=float(length)))
    return tuple(segments)


def _time_limits(table: Mapping[str, Any], segments: tuple[Segment, ...]) -> dict[Mode, int]:
    """A time limit for every mode the corridor's segments carry."""
    limits = {}
    for mode in sorted({segment.mode for segment in segments}):
        hours = table.get(str(mode))
        if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= 720:
            raise InvalidCorridor(f"time_limit_hours.{mode}", "whole hours from 1 to 720")
        limits[mode] = hours
    _no_unknown_keys(table, {str(m) for m in Mode}, "time_limit_hours")
    return limits


def _fees(table: Mapping[str, Any]) -> FeeSchedule:
    _no_unknown_keys(
        table, {"currency", "per_road_vehicle", "per_rail_wagon", "per_tonne_gross"}, "fees"
    )
    currency = _str(table, "currency", "fees")
    if not _CURRENCY.match(currency):
        raise InvalidCorridor("fees.currency", "an ISO 4217 code")
    amounts = {}
    for key in ("per_road_vehicle", "per_rail_wagon", "per_tonne_gross"):
        value = table.get(key, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise InvalidCorridor(f"fees.{key}", "a non-negative amount in minor units")
        amounts[key] = value
    return FeeSchedule(currency=currency, **amounts)


def _log(table: Mapping[str, Any], states: Mapping[str, Sovereign]) -> LogOversight:
    """``[log]``: the witnesses of the corridor's log and the cosigning policy."""
    _no_unknown_keys(table, {"witnesses", "policy"}, "log")
    entries = _list(table, "witnesses", "log", dict) if "witnesses" in table else []
    witnesses = tuple(_witness(i, entry, states) for i, entry in enumerate(entries))
    for index, witness in enumerate(witnesses):
        for key in ("name", "vkey", "url"):
            if getattr(witness, key) in {getattr(w, key) for w in witnesses[:index]}:
                raise InvalidCorridor(f"log.witnesses[{index}].{key}", "two witnesses share it")
    oversight = LogOversight(witnesses=witnesses)
    policy = _as_table(table.get("policy", {}), "log.policy")
    return LogOversight(witnesses, _cosigning_policy(policy, oversight))


def _witness(index: int, entry: Mapping[str, Any], states: Mapping[str, Sovereign]) -> LogWitness:
    path = f"log.witnesses[{index}]"
    _no_unknown_keys(entry, {"name", "vkey", "url", "party"}, path)
    witness = LogWitness(*(_str(entry, key, path) for key in ("name", "vkey", "url", "party")))
    try:
        cosignature_verifier(witness.vkey)
    except NoteError as error:
        raise InvalidCorridor(f"{path}.vkey", f"a cosigner key (type 0x04): {error}") from None
    if not _URL.match(witness.url):
        raise InvalidCorridor(f"{path}.url", "an http:// or https:// URL")
    if witness.party not in states and not _MONITOR.match(witness.party):
        allowed = ", ".join(states)
        raise InvalidCorridor(f"{path}.party", f"one of {allowed} or {MONITOR_PREFIX}<name>")
    return witness


def _cosigning_policy(table: Mapping[str, Any], oversight: LogOversight) -> CosigningPolicy:
    _no_unknown_keys(table, {"parties", "monitors"}, "log.policy")
    parties = tuple(_list(table, "parties", "log.policy", str)) if "parties" in table else ()
    for index, party in enumerate(parties):
        if not oversight.of_party(party) or party in parties[:index]:
            raise InvalidCorridor(f"log.policy.parties[{index}]", "a state with a witness, once")
    monitors = table.get("monitors", 0)
    if not isinstance(monitors, int) or isinstance(monitors, bool):
        raise InvalidCorridor("log.policy.monitors", "a whole number")
    if not 0 <= monitors <= len(oversight.monitors):
        raise InvalidCorridor(
            "log.policy.monitors", "at most the number of monitors with a witness"
        )
    return CosigningPolicy(parties, monitors)


def _names(entry: Mapping[str, Any], path: str, languages: tuple[str, ...]) -> dict[str, str]:
    names = _table(entry, "names", path)
    for language in languages:
        if not isinstance(names.get(language), str) or not names[language].strip():
            raise InvalidCorridor(f"{path}.names.{language}", "a name in every corridor language")
    return dict(names)


def _enums(entry: Mapping[str, Any], key: str, path: str, kind: type[Any]) -> list[Any]:
    values = []
    for index, value in enumerate(_list(entry, key, path, str)):
        try:
            values.append(kind(value))
        except ValueError:
            allowed = ", ".join(str(member) for member in kind)
            raise InvalidCorridor(
                f"{path}.{key}[{index}]", f"{value!r} is not one of {allowed}"
            ) from None
    return values


def _enum(entry: Mapping[str, Any], key: str, path: str, kind: type[Any]) -> Any:
    value = _str(entry, key, path)
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(member) for member in kind)
        raise InvalidCorridor(_join(path, key), f"{value!r} is not one of {allowed}") from None


def _str(entry: Mapping[str, Any], key: str, path: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidCorridor(_join(path, key), "a non-empty string is required")
    return value


def _list(entry: Mapping[str, Any], key: str, path: str, kind: Any) -> list[Any]:
    value = entry.get(key)
    if not isinstance(value, list):
        raise InvalidCorridor(_join(path, key), "a list is required")
    for index, item in enumerate(value):
        if not isinstance(item, kind) or isinstance(item, bool):
            raise InvalidCorridor(f"{_join(path, key)}[{index}]", "has the wrong type")
    return value


def _table(entry: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
    if key not in entry:
        raise InvalidCorridor(_join(path, key), "is required")
    return _as_table(entry[key], _join(path, key))


def _optional_table(entry: Mapping[str, Any], key: str) -> dict[str, Any]:
    return dict(_as_table(entry.get(key, {}), key))


def _as_table(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise InvalidCorridor(path, "a table is required")
    return value


def _no_unknown_keys(entry: Mapping[str, Any], allowed: set[str], path: str) -> None:
    for key in entry:
        if key not in allowed:
            raise InvalidCorridor(_join(path, key), "unknown key")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
