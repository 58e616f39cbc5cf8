"""The register of principals: who holds which role, and the hash of their token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, RowMapping, insert, select, update
from sqlalchemy.exc import IntegrityError

from corridor.domain.errors import Conflict, NotFound
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.store.access_tables import principals


@dataclass(frozen=True)
class PrincipalRecord:
    """A principal as registered: since when, and whether its token was revoked."""

    principal: Principal
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class PrincipalRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, principal: Principal, token_hash: str, at: datetime) -> None:
        if self._row(principal.id) is not None:
            raise Conflict(f"principal {principal.id} exists already")
        values = _columns(principal) | {"token_hash": token_hash, "created_at": at}
        try:
            self._connection.execute(insert(principals).values(**values))
        except IntegrityError:
            raise Conflict(f"principal {principal.id} exists already") from None

    def by_token_hash(self, token_hash: str) -> Principal | None:
        """The active principal holding this token, if any."""
        query = select(principals).where(
            principals.c.token_hash == token_hash, principals.c.revoked_at.is_(None)
        )
        row = self._connection.execute(query).first()
        return None if row is None else _principal(row._mapping)

    def all(self) -> list[PrincipalRecord]:
        rows = self._connection.execute(select(principals).order_by(principals.c.id))
        return [_record(row._mapping) for row in rows]

    def revoke(self, principal_id: str, at: datetime) -> PrincipalRecord:
        row = self._row(principal_id)
        if row is None:
            raise NotFound(f"no principal {principal_id}")
        if row["revoked_at"] is None:
            query = update(principals).where(principals.c.id == principal_id)
            self._connection.execute(query.values(revoked_at=at))
        revoked = self._row(principal_id)
        assert revoked is not None, "read in the same transaction"
        return _record(revoked)

    def _row(self, principal_id: str) -> RowMapping | None:
        query = select(principals).where(principals.c.id == principal_id)
        row = self._connection.execute(query).first()
        return None if row is None else row._mapping


def _columns(principal: Principal) -> dict[str, object]:
    return {
        "id": principal.id,
        "role": str(principal.role),
        "state": principal.state,
        "office": principal.office,
        "holder": principal.holder,
    }


def _principal(row: RowMapping) -> Principal:
    return Principal(
        id=row["id"],
        role=Role(row["role"]),
        state=row["state"],
        office=row["office"],
        holder=row["holder"],
    )


def _record(row: RowMapping) -> PrincipalRecord:
    return PrincipalRecord(_principal(row), row["created_at"], row["revoked_at"])
