"""Who acts: a principal with a role and, where the role needs one, a jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass

from corridor.domain.network import Role


@dataclass(frozen=True)
class Principal:
    """An authenticated actor.

    ``state`` is the jurisdiction of a customs officer (ISO 3166 alpha-2), ``office`` the
    one office of a front-office agent or machine, ``holder`` the identification number of
    a carrier.
    """

    id: str
    role: Role
    state: str | None = None
    office: str | None = None
    holder: str | None = None

    def __str__(self) -> str:
        scope = self.state or self.office or self.holder
        return f"{self.role}:{self.id}" + (f"@{scope}" if scope else "")


SYSTEM_CLOCK = Principal(id="clock", role=Role.SYSTEM)
