"""Screening configuration of a corridor, read from the `[screening]` table of its TOML.

`ScreeningConfig.from_dict(toml["screening"])` expects this shape (every key optional;
the values shown are the defaults, except the example route rule):

```toml
[screening]
random_control_rate = 0.0        # share of movements selected at random for control, 0..1
random_control_channel = "red"   # the channel a random selection gives
party_review_score = 0.70        # a party match scoring this or more: yellow, review queue
party_hold_score = 0.90          # a party match scoring this or more: red
invalid_hs_channel = "yellow"    # a goods item whose HS code is not an HS 2022 subheading

[screening.chp]                  # channel per CHP tier; "green" turns a tier's flag off
"1" = "yellow"
"2" = "yellow"
"3A" = "yellow"
"3B" = "yellow"
"4A" = "yellow"
"4B" = "yellow"

[screening.military]             # on top of data/military-hs.csv
block_channel = "red"
review_channel = "yellow"
block = []                       # more HS prefixes to block, e.g. ["8906"]
review = []                      # more HS prefixes to review
allow = []                       # prefixes of the default table not to flag here

[[screening.route_rules]]
name = "chp-to-russia-belarus"
channel = "red"
text = "CHP goods with final destination or consignee in Russia or Belarus"
when.goods = "chp"               # "any" | "chp" | "military"
when.chp_tiers = []              # only these tiers (empty: all)
when.hs_prefixes = []            # only goods under these prefixes (empty: all)
when.countries = ["RU", "BY"]
when.country_of = ["final_destination", "consignee"]
```

`country_of` lists where a country is looked for: `final_destination`, `route`,
`origin`, or a party role (`consignee`, `consignor`, `holder`, `carrier`, ...). A rule
fires when its goods condition selects at least one item and one of those countries
is in `countries` (both conditions optional; a rule with neither fires always).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from corridor.screening.errors import ScreeningConfigError
from corridor.screening.findings import Channel
from corridor.screening.goods import CHP_TIERS

GOODS_CONDITIONS = ("any", "chp", "military")
SUBJECT_COUNTRY_FIELDS = ("final_destination", "route", "origin")


@dataclass(frozen=True)
class RouteRule:
    name: str
    channel: Channel
    text: str
    goods: str = "any"
    chp_tiers: tuple[str, ...] = ()
    hs_prefixes: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    country_of: tuple[str, ...] = ("final_destination",)


@dataclass(frozen=True)
class MilitaryPolicy:
    block_channel: Channel = Channel.RED
    review_channel: Channel = Channel.YELLOW
    block: tuple[str, ...] = ()
    review: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScreeningConfig:
    random_control_rate: float = 0.0
    random_control_channel: Channel = Channel.RED
    party_review_score: float = 0.70
    party_hold_score: float = 0.90
    invalid_hs_channel: Channel = Channel.YELLOW
    chp_channels: Mapping[str, Channel] = field(
        default_factory=lambda: dict.fromkeys(CHP_TIERS, Channel.YELLOW)
    )
    military: MilitaryPolicy = MilitaryPolicy()
    route_rules: tuple[RouteRule, ...] = ()

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ScreeningConfig:
        """Parse the `[screening]` table; raise `ScreeningConfigError` naming the key."""
        _only(raw, "screening", _TOP_KEYS)
        review = _fraction(raw, "party_review_score", 0.70)
        hold = _fraction(raw, "party_hold_score", 0.90)
        if hold < review:
            raise ScreeningConfigError("screening.party_hold_score is below party_review_score")
        return cls(
            random_control_rate=_fraction(raw, "random_control_rate", 0.0),
            random_control_channel=_channel(raw, "random_control_channel", Channel.RED),
            party_review_score=review,
            party_hold_score=hold,
            invalid_hs_channel=_channel(raw, "invalid_hs_channel", Channel.YELLOW),
            chp_channels=_chp_channels(_table(raw, "chp")),
            military=_military(_table(raw, "military")),
            route_rules=tuple(_rule(r, i) for i, r in enumerate(_rules(raw))),
        )


_TOP_KEYS = frozenset(
    {
        "random_control_rate", "random_control_channel", "party_review_score",
        "party_hold_score", "invalid_hs_channel", "chp", "military", "route_rules",
    }
)  # fmt: skip
_MILITARY_KEYS = frozenset({"block_channel", "review_channel", "block", "review", "allow"})
_RULE_KEYS = frozenset({"name", "channel", "text", "when"})
_WHEN_KEYS = frozenset({"goods", "chp_tiers", "hs_prefixes", "countries", "country_of"})


def _chp_channels(raw: Mapping[str, Any]) -> dict[str, Channel]:
    _only(raw, "screening.chp", frozenset(CHP_TIERS))
    defaults = dict.fromkeys(CHP_TIERS, Channel.YELLOW)
    return {tier: _channel(raw, tier, defaults[tier], "screening.chp") for tier in CHP_TIERS}


def _military(raw: Mapping[str, Any]) -> MilitaryPolicy:
    where = "screening.military"
    _only(raw, where, _MILITARY_KEYS)
    return MilitaryPolicy(
        block_channel=_channel(raw, "block_channel", Channel.RED, where),
        review_channel=_channel(raw, "review_channel", Channel.YELLOW, where),
        block=_prefixes(raw, "block", where),
        review=_prefixes(raw, "review", where),
        allow=_prefixes(raw, "allow", where),
    )


def _rules(raw: Mapping[str, Any]) -> list[Any]:
    rules = raw.get("route_rules", [])
    if not isinstance(rules, list):
        raise ScreeningConfigError("screening.route_rules must be an array of tables")
    return rules


def _rule(raw: Any, index: int) -> RouteRule:
    where = f"screening.route_rules[{index}]"
    if not isinstance(raw, Mapping):
        raise ScreeningConfigError(f"{where} must be a table")
    _only(raw, where, _RULE_KEYS)
    name = _string(raw, "name", where)
    when = _table(raw, "when", where)
    _only(when, f"{where}.when", _WHEN_KEYS)
    return RouteRule(
        name=name,
        channel=_channel(raw, "channel", Channel.RED, where),
        text=str(raw.get("text") or name),
        goods=_choice(when, "goods", GOODS_CONDITIONS, f"{where}.when"),
        chp_tiers=_tiers(when, f"{where}.when"),
        hs_prefixes=_prefixes(when, "hs_prefixes", f"{where}.when"),
        countries=tuple(c.upper() for c in _strings(when, "countries", f"{where}.when")),
        country_of=_strings(when, "country_of", f"{where}.when") or ("final_destination",),
    )


def _only(raw: Mapping[str, Any], where: str, allowed: frozenset[str]) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ScreeningConfigError(f"{where}: unknown key {unknown[0]!r}")


def _table(raw: Mapping[str, Any], key: str, where: str = "screening") -> Mapping[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, Mapping):
        raise ScreeningConfigError(f"{where}.{key} must be a table")
    return value


def _fraction(raw: Mapping[str, Any], key: str, default: float) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ScreeningConfigError(f"screening.{key} must be a number from 0 to 1")
    return float(value)


def _channel(
    raw: Mapping[str, Any], key: str, default: Channel, where: str = "screening"
) -> Channel:
    value = raw.get(key, default.value)
    try:
        return Channel.parse(str(value))
    except ValueError as error:
        raise ScreeningConfigError(f"{where}.{key}: {error}") from None


def _string(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value:
        raise ScreeningConfigError(f"{where}.{key} must be a non-empty string")
    return value


def _strings(raw: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ScreeningConfigError(f"{where}.{key} must be a list of strings")
    return tuple(value)


def _prefixes(raw: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    values = _strings(raw, key, where)
    if not all(v.isdigit() and 2 <= len(v) <= 6 for v in values):
        raise ScreeningConfigError(f"{where}.{key} must hold HS prefixes of 2 to 6 digits")
    return values


def _tiers(raw: Mapping[str, Any], where: str) -> tuple[str, ...]:
    tiers = _strings(raw, "chp_tiers", where)
    if not set(tiers) <= set(CHP_TIERS):
        raise ScreeningConfigError(f"{where}.chp_tiers must be among {', '.join(CHP_TIERS)}")
    return tiers


def _choice(raw: Mapping[str, Any], key: str, choices: tuple[str, ...], where: str) -> str:
    value = raw.get(key, choices[0])
    if value not in choices:
        raise ScreeningConfigError(f"{where}.{key} must be one of {', '.join(choices)}")
    return str(value)
