"""The screening review queue in the database: items, decisions, remembered dismissals."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update

from corridor.domain.errors import Conflict, NotFound
from corridor.screening.parties import Dismissal
from corridor.screening.review import RememberedDismissal, ReviewItem, ReviewState
from corridor.store.access_tables import movement_offices
from corridor.store.database import insert_unless_present
from corridor.store.review_tables import screening_dismissals, screening_reviews

T = screening_reviews.c


@dataclass(frozen=True)
class ReviewFilter:
    """What ``ReviewRepository.find`` selects; ``after`` is the last id of the previous page."""

    states: Sequence[ReviewState] = ()
    mrn: str | None = None
    after: int | None = None
    limit: int = 50
    within: frozenset[str] | None = None
    """A principal's scope: only items of movements whose itinerary includes one of these."""


class ReviewRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, items: Iterable[ReviewItem], at: datetime) -> None:
        """Open an item for each hit not already in the queue for that movement, party
        and listed entity (an amendment screens again: its old hits keep their items)."""
        rows = [_row(item, at) for item in items]
        if not rows:
            return
        query = select(T.party_role, T.party_key, T.entity_id).where(T.mrn == rows[0]["mrn"])
        known = {tuple(row) for row in self._connection.execute(query)}
        new = [r for r in rows if (r["party_role"], r["party_key"], r["entity_id"]) not in known]
        if new:
            self._connection.execute(insert(screening_reviews), new)

    def get(self, review_id: int) -> ReviewItem:
        row = self._connection.execute(select(screening_reviews).where(T.id == review_id)).first()
        if row is None:
            raise NotFound(f"no screening review {review_id}")
        return _item(row._mapping)

    def find(self, selection: ReviewFilter) -> list[ReviewItem]:
        query = select(screening_reviews).order_by(T.id).limit(selection.limit)
        conditions = _conditions(selection)
        if conditions:
            query = query.where(and_(*conditions))
        return [_item(row._mapping) for row in self._connection.execute(query)]

    def for_movement(self, mrn: str) -> list[ReviewItem]:
        return self.find(ReviewFilter(mrn=mrn, limit=1000))

    def count_open(self, mrn: str) -> int:
        """How many of the movement's hits await a decision."""
        query = select(func.count()).where(T.mrn == mrn, T.state == ReviewState.OPEN.value)
        return int(self._connection.execute(query).scalar_one())

    def decide(self, item: ReviewItem) -> None:
        """Store a decision on an item that was open; ``Conflict`` if it no longer is."""
        statement = (
            update(screening_reviews)
            .where(T.id == item.id, T.state == ReviewState.OPEN.value)
            .values(
                state=item.state.value, decided_by=item.decided_by, decided_at=item.decided_at,
                note=item.note,
            )
        )  # fmt: skip
        if self._connection.execute(statement).rowcount != 1:
            raise Conflict(f"screening review {item.id} was decided by someone else; reload")

    def withdraw(self, items: Iterable[ReviewItem]) -> None:
        """Close open items whose hit an amendment no longer raises (``review.withdrawn``)."""
        for item in items:
            self.decide(item)

    def reopen(self, items: Iterable[ReviewItem]) -> None:
        """Open again the decided items of these hits (same movement, party and listed
        entity): a decision that no longer holds, its record kept in the movement's log."""
        for item in items:
            statement = (
                update(screening_reviews)
                .where(
                    T.mrn == item.movement_ref, T.party_role == item.party_role,
                    T.party_key == item.party_key, T.entity_id == item.entity_id,
                    T.state != ReviewState.OPEN.value,
                )
                .values(state=ReviewState.OPEN.value, decided_by=None, decided_at=None, note="")
            )  # fmt: skip
            self._connection.execute(statement)

    def remember(self, item: ReviewItem, state: str) -> None:
        """Remember a dismissal for ``state``'s movements (the first one in force stands)."""
        assert item.id is not None and item.decided_by is not None
        statement = insert_unless_present(
            self._connection, screening_dismissals,
            state=state, party_key=item.party_key, entity_id=item.entity_id, review_id=item.id,
            decided_by=item.decided_by, decided_at=item.decided_at, note=item.note,
        )  # fmt: skip
        self._connection.execute(statement)

    def dismissals(self, state: str, party_keys: Collection[str]) -> set[Dismissal]:
        """The dismissals remembered in ``state`` for any of these parties (in force)."""
        query = select(D.entity_id, D.party_key).where(
            D.state == state, D.party_key.in_(sorted(set(party_keys))), D.revoked_at.is_(None)
        )
        return {(row.entity_id, row.party_key) for row in self._connection.execute(query)}

    def remembered(self, dismissal_id: int) -> RememberedDismissal:
        """One remembered dismissal, in force or revoked; ``NotFound`` if there is none."""
        row = self._connection.execute(_DISMISSALS.where(D.id == dismissal_id)).first()
        if row is None:
            raise NotFound(f"no remembered dismissal {dismissal_id}")
        return _dismissal(row._mapping)

    def find_remembered(self, selection: DismissalFilter) -> list[RememberedDismissal]:
        query = _DISMISSALS.order_by(D.id).limit(selection.limit)
        conditions = _dismissal_conditions(selection)
        if conditions:
            query = query.where(and_(*conditions))
        return [_dismissal(row._mapping) for row in self._connection.execute(query)]

    def revoke(self, revoked: RememberedDismissal) -> None:
        """Store the revocation of a dismissal in force; ``Conflict`` if it no longer is."""
        statement = (
            update(screening_dismissals)
            .where(D.id == revoked.id, D.revoked_at.is_(None))
            .values(
                revoked_by=revoked.revoked_by, revoked_at=revoked.revoked_at,
                revocation_note=revoked.revocation_note,
            )
        )  # fmt: skip
        if self._connection.execute(statement).rowcount != 1:
            raise Conflict(f"remembered dismissal {revoked.id} is already revoked")


@dataclass(frozen=True)
class DismissalFilter:
    """What ``ReviewRepository.find_remembered`` selects (as ``ReviewFilter``)."""

    in_force: bool | None = None
    """True: only those in force; False: only revoked ones; None: both."""
    state: str | None = None
    after: int | None = None
    limit: int = 50
    within: frozenset[str] | None = None


D = screening_dismissals.c
_DISMISSALS = select(
    screening_dismissals, T.mrn, T.party_role, T.party_name, T.list_name, T.caption
).join(screening_reviews, D.review_id == T.id)


def _dismissal_conditions(selection: DismissalFilter) -> list[Any]:
    conditions: list[Any] = []
    if selection.in_force is not None:
        revoked = D.revoked_at
        conditions.append(revoked.is_(None) if selection.in_force else revoked.is_not(None))
    if selection.state:
        conditions.append(D.state == selection.state)
    if selection.after is not None:
        conditions.append(D.id > selection.after)
    if selection.within is not None:
        conditions.append(_touching(selection.within))
    return conditions


def _touching(offices: frozenset[str]) -> Any:
    """Items of the movements that depart from, pass or are bound for one of ``offices``."""
    inner = select(movement_offices.c.mrn).where(movement_offices.c.office.in_(sorted(offices)))
    return T.mrn.in_(inner)


def _dismissal(row: Any) -> RememberedDismissal:
    return RememberedDismissal(
        id=row["id"], state=row["state"], party_key=row["party_key"],
        entity_id=row["entity_id"], review_id=row["review_id"], decided_by=row["decided_by"],
        decided_at=row["decided_at"], note=row["note"], mrn=row["mrn"],
        party_role=row["party_role"], party_name=row["party_name"],
        list_name=row["list_name"], caption=row["caption"], revoked_by=row["revoked_by"],
        revoked_at=row["revoked_at"], revocation_note=row["revocation_note"],
    )  # fmt: skip


def _conditions(selection: ReviewFilter) -> list[Any]:
    conditions: list[Any] = []
    if selection.states:
        conditions.append(T.state.in_([s.value for s in selection.states]))
    if selection.mrn:
        conditions.append(T.mrn == selection.mrn)
    if selection.after is not None:
        conditions.append(T.id > selection.after)
    if selection.within is not None:
        conditions.append(_touching(selection.within))
    return conditions


def _row(item: ReviewItem, at: datetime) -> dict[str, Any]:
    return {
        "mrn": item.movement_ref, "party_role": item.party_role, "party_name": item.party_name,
        "party_key": item.party_key, "list_name": item.list_name, "entity_id": item.entity_id,
        "caption": item.caption, "score": item.score, "state": item.state.value,
        "created_at": at, "note": item.note,
    }  # fmt: skip


def _item(row: Any) -> ReviewItem:
    return ReviewItem(
        movement_ref=row["mrn"], party_role=row["party_role"], party_name=row["party_name"],
        party_key=row["party_key"], list_name=row["list_name"], entity_id=row["entity_id"],
        score=row["score"], caption=row["caption"], state=ReviewState(row["state"]),
        decided_by=row["decided_by"], decided_at=row["decided_at"], note=row["note"],
        id=row["id"],
    )  # fmt: skip
