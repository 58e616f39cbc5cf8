"""Domain events: the record of one transition, as the store and the log keep it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from corridor.domain.lifecycle import Action, MovementState
from corridor.domain.network import Role


@dataclass(frozen=True)
class MovementEvent:
    """What happened to one movement: who did what, when, where, and its particulars.

    ``sequence`` counts the movement's events from 1; it equals the movement's version
    after the event. ``details`` holds JSON values only.
    """

    mrn: str
    sequence: int
    action: Action
    source: MovementState | None
    target: MovementState
    principal: str
    role: Role
    office: str | None
    at: datetime
    details: Mapping[str, Any] = field(default_factory=dict)
