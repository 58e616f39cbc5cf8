"""The one exception tree of corridor's domain.

Every error a user can cause is a ``CorridorError``; entry points map each class to an
HTTP status or a CLI exit status in one table, never case by case.

CorridorError
  InvalidInput            bad data from outside; nothing was changed
    InvalidReference        a malformed MRN, office code or other identifier
    InvalidDeclaration      a declaration that breaks a rule; names the field
    InvalidCorridor         a corridor file that breaks a rule; names the key
  IllegalTransition       the action is not allowed in the movement's state
  NotAuthorised           this principal may not take this action here
  PreconditionFailed      the action is allowed in principle, but not now (say why)
    ScreeningHitsOpen       release while screening hits await an officer's decision
  NotFound                no such movement (or other thing)
  Conflict                someone else changed it first, or it exists already
"""

from __future__ import annotations


class CorridorError(Exception):
    """Base of every error corridor raises on purpose."""

    title = "Corridor error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(CorridorError):
    title = "Invalid input"


class InvalidReference(InvalidInput):
    title = "Invalid reference"


class InvalidDeclaration(InvalidInput):
    """A declaration breaks a rule; ``field`` is a dotted path such as ``goods[2].hs_code``."""

    title = "Invalid declaration"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class InvalidCorridor(InvalidInput):
    """A corridor definition breaks a rule; ``key`` names the exact key."""

    title = "Invalid corridor definition"

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


class IllegalTransition(CorridorError):
    """The lifecycle has no such action from the movement's current state."""

    title = "Action not allowed in this state"

    def __init__(self, state: str, action: str) -> None:
        super().__init__(f"cannot {action} a movement that is {state}")
        self.state = state
        self.action = action


class NotAuthorised(CorridorError):
    title = "Not authorised"


class PreconditionFailed(CorridorError):
    title = "Precondition failed"


class ScreeningHitsOpen(PreconditionFailed):
    """The goods may not leave control while ``open_hits`` screening hits of the
    movement are neither confirmed nor dismissed."""

    title = "Screening hits await a decision"

    def __init__(self, action: str, open_hits: int) -> None:
        hits, which = (
            ("1 screening hit is", "it") if open_hits == 1
            else (f"{open_hits} screening hits are", "each one")
        )  # fmt: skip
        super().__init__(
            f"cannot {action}: {hits} still open; the office of departure must confirm or "
            f"dismiss {which} in the screening review queue first"
        )
        self.action = action
        self.open_hits = open_hits


class NotFound(CorridorError):
    title = "Not found"


class Conflict(CorridorError):
    title = "Conflict"
