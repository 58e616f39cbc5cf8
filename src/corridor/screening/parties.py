"""Party checks: each party of a movement against the watch lists, minus dismissals.

A dismissal says "this party is not that listed entity"; it is remembered as the pair
(entity id, party key) so the same false positive does not come back on the next
movement of the same party. The party key is built from what identifies the party on
a declaration: its identifiers when it has any, otherwise its normalised name, country
and birth date. Persisting dismissals is the store's job; the engine takes a set.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

from corridor.screening.entity import Identifier, parse_identifier
from corridor.screening.findings import Channel, Finding
from corridor.screening.index import NameIndex
from corridor.screening.matcher import Match, screen
from corridor.screening.names import analyse_name
from corridor.screening.rules import ScreeningConfig
from corridor.screening.scoring import Query
from corridor.screening.subject import ScreenedParty

Dismissal = tuple[str, str]  # (entity id, party key)


@dataclass(frozen=True)
class PartyHit:
    """A party that resembles a listed entity closely enough for an officer to look."""

    party: ScreenedParty
    party_key: str
    match: Match
    channel: Channel


PARTIES_REMEMBERED = 4096
"""How many parties' queries, and per index their matches, are kept: a carrier's
holder, consignors and consignees come back movement after movement, and a party's
matches against one index never change (a new list version is a new index)."""


@lru_cache(maxsize=PARTIES_REMEMBERED)
def party_key(party: ScreenedParty) -> str:
    """A stable key for the party across movements (see the module docstring)."""
    query = party_query(party)
    identifiers = sorted(i.value for i in query.identifiers)
    if identifiers:
        return "id:" + "|".join(identifiers)
    name = query.name.latin
    return f"name:{name}|{(party.country or '').upper()}|{party.birth_date or ''}"


@lru_cache(maxsize=PARTIES_REMEMBERED)
def party_query(party: ScreenedParty) -> Query:
    countries = (party.country.upper(),) if party.country else ()
    return Query(
        name=analyse_name(party.name),
        birth_date=party.birth_date,
        countries=countries,
        identifiers=_identifiers(party),
        schema=party.schema,
    )


def screen_party(
    party: ScreenedParty,
    index: NameIndex,
    config: ScreeningConfig,
    dismissals: Collection[Dismissal] = frozenset(),
) -> tuple[list[PartyHit], list[PartyHit]]:
    """Hits at or above the review score: (active, suppressed by an earlier dismissal)."""
    query = party_query(party)
    key = party_key(party)
    active: list[PartyHit] = []
    suppressed: list[PartyHit] = []
    for match in _matches(index, query, config.party_review_score):
        channel = Channel.RED if match.score >= config.party_hold_score else Channel.YELLOW
        hit = PartyHit(party, key, match, channel)
        dismissed = (match.entity.entity_id, key) in dismissals
        (suppressed if dismissed else active).append(hit)
    return active, suppressed


def _matches(index: NameIndex, query: Query, threshold: float) -> tuple[Match, ...]:
    """``screen``'s matches, remembered on the index for the parties seen lately."""
    known = index.screened.get((query, threshold))
    if known is None:
        known = tuple(screen(index, query, threshold=threshold))
        if len(index.screened) >= PARTIES_REMEMBERED:  # forget all: cheap, and rare
            index.screened.clear()
        index.screened[query, threshold] = known
    return known


def hit_finding(hit: PartyHit) -> Finding:
    entity = hit.match.entity
    text = (
        f"{hit.party.role} '{hit.party.name}' resembles {entity.schema} '{entity.caption}' "
        f"on list {entity.list_name} (score {hit.match.score:.2f})"
    )
    evidence = {
        "role": hit.party.role,
        "party_key": hit.party_key,
        "list": entity.list_name,
        "entity_id": entity.entity_id,
        "score": f"{hit.match.score:.4f}",
        "reasons": " / ".join(r.text for r in hit.match.reasons),
    }
    if entity.sanctions:
        evidence["sanctions"] = "; ".join(entity.sanctions)
    return Finding("party", "party.watch_list", hit.channel, text, evidence)


def _identifiers(party: ScreenedParty) -> tuple[Identifier, ...]:
    parsed = (parse_identifier(text) for text in party.identifiers)
    return tuple(i for i in parsed if i is not None)
