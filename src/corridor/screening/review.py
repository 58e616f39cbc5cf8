"""The review queue's pure pieces: items made from hits, and decisions on them.

The operator triages, the state's officer decides (who may do what is corridor data,
checked by the services layer). Confirming keeps the hit; dismissing it yields the
`Dismissal` the store remembers and passes back to the engine on the next movement.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from corridor.screening.engine import Assessment
from corridor.screening.parties import Dismissal


class ReviewState(Enum):
    OPEN = "open"  # waiting for a decision
    CONFIRMED = "confirmed"  # the party is the listed entity (or cannot be cleared)
    DISMISSED = "dismissed"  # a false positive; remembered for this entity and party
    WITHDRAWN = "withdrawn"  # no longer raised: an amendment removed the party (or the
    # resemblance); closed without a decision, and nothing is remembered


HitKey = tuple[str, str, str]
"""What identifies a hit within a movement: (party role, party key, listed entity id)."""

WITHDRAWN_NOTES = {
    False: "no longer raised: the amendment removed the party",
    True: "no longer raised: the party, as amended, no longer resembles the listed entity",
}


@dataclass(frozen=True)
class ReviewItem:
    movement_ref: str
    party_role: str
    party_name: str
    party_key: str
    list_name: str
    entity_id: str
    score: float
    caption: str = ""  # the listed entity's name, as the list gives it
    state: ReviewState = ReviewState.OPEN
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str = ""
    id: int | None = None  # given by the store

    @property
    def dismissal(self) -> Dismissal:
        return (self.entity_id, self.party_key)

    @property
    def hit(self) -> HitKey:
        return (self.party_role, self.party_key, self.entity_id)


@dataclass(frozen=True)
class RememberedDismissal:
    """A dismissal a state remembers for a listed entity and a party, made by deciding
    review item ``review_id`` (of movement ``mrn``); in force until revoked."""

    id: int
    state: str
    party_key: str
    entity_id: str
    review_id: int
    decided_by: str
    decided_at: datetime
    note: str
    mrn: str
    party_role: str
    party_name: str
    list_name: str
    caption: str
    revoked_by: str | None = None
    revoked_at: datetime | None = None
    revocation_note: str | None = None

    @property
    def in_force(self) -> bool:
        return self.revoked_at is None


class ReviewError(ValueError):
    """A decision on an item that is no longer open, or without a note."""


def review_items(assessment: Assessment) -> list[ReviewItem]:
    return [
        ReviewItem(
            movement_ref=assessment.movement_ref,
            party_role=hit.party.role,
            party_name=hit.party.name,
            party_key=hit.party_key,
            list_name=hit.match.entity.list_name,
            entity_id=hit.match.entity.entity_id,
            score=hit.match.score,
            caption=hit.match.entity.caption,
        )
        for hit in assessment.hits
    ]


def confirm(item: ReviewItem, by: str, note: str = "", at: datetime | None = None) -> ReviewItem:
    _require_open(item)
    return replace(item, state=ReviewState.CONFIRMED, decided_by=by, decided_at=at, note=note)


def dismiss(
    item: ReviewItem, by: str, note: str, at: datetime | None = None
) -> tuple[ReviewItem, Dismissal]:
    """Dismiss a false positive; a note saying why is required."""
    _require_open(item)
    if not note.strip():
        raise ReviewError("a dismissal needs a note saying why the hit is a false positive")
    decided = replace(item, state=ReviewState.DISMISSED, decided_by=by, decided_at=at, note=note)
    return decided, decided.dismissal


def withdrawn(
    items: Iterable[ReviewItem],
    arising: Collection[HitKey],
    parties: Collection[tuple[str, str]],
    by: str,
    at: datetime,
) -> list[ReviewItem]:
    """The open items an amendment closes: their hit no longer arises (neither raised
    nor suppressed by a remembered dismissal). ``parties``: the (role, key) pairs of the
    amended declaration, to say whether the party went or only its resemblance."""
    return [
        _withdraw(item, by, at, party_remains=(item.party_role, item.party_key) in parties)
        for item in items
        if item.state is ReviewState.OPEN and item.hit not in arising
    ]


def _withdraw(item: ReviewItem, by: str, at: datetime, party_remains: bool) -> ReviewItem:
    note = WITHDRAWN_NOTES[party_remains]
    return replace(item, state=ReviewState.WITHDRAWN, decided_by=by, decided_at=at, note=note)


def raised_again(items: Iterable[ReviewItem], raised: Iterable[ReviewItem]) -> list[ReviewItem]:
    """The withdrawn items whose hit an amendment raises again: they open once more."""
    hits = {item.hit for item in raised}
    return [i for i in items if i.state is ReviewState.WITHDRAWN and i.hit in hits]


def _require_open(item: ReviewItem) -> None:
    if item.state is not ReviewState.OPEN:
        raise ReviewError(f"review item for {item.entity_id} is already {item.state.value}")
