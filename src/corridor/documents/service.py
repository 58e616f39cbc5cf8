"""The transit accompanying document of a movement, as its readers may have it.

The document is issued from the release (NCTS issues it from the release data too): it
needs the movement released and the release event's entry integrated into the log,
because its QR code carries that entry's tlog-proof receipt.

Why the release's receipt, and only it: one QR code holds about 2.9 kB, and a receipt
is about 1.5-2 kB (the entry, ~20 proof hashes, the signed and cosigned checkpoint), so
one receipt fits and several do not. The release is the event an officer en route must
trust: it proves that the state's customs released this movement, with its seals and
time limit, into a log every party watches. Later events are checked online (or with
``corridor log receipt``) as they happen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from corridor import log_service, reading
from corridor.bootstrap import Context
from corridor.documents.pdf import render_pdf
from corridor.domain.errors import NotFound, PreconditionFailed
from corridor.domain.events import MovementEvent
from corridor.domain.lifecycle import Action
from corridor.domain.movement import Movement
from corridor.domain.network import Corridor
from corridor.domain.principal import Principal
from corridor.ledger.checkpoint import parse_checkpoint
from corridor.ledger.note import split_note
from corridor.ledger.proof import Receipt, format_receipt


@dataclass(frozen=True)
class DocumentData:
    """Everything printed on the document."""

    movement: Movement
    history: tuple[MovementEvent, ...]
    corridor: Corridor
    receipt: Receipt
    log_origin: str
    log_size: int
    log_vkey: str
    issued_at: datetime

    @property
    def qr_payload(self) -> bytes:
        """What the QR code holds: the release's receipt, exactly as a .tlog-proof file
        (its entry, in ``extra``, names the MRN)."""
        return format_receipt(self.receipt)


def document_data(ctx: Context, mrn: str, principal: Principal) -> DocumentData:
    """The document's data, for a principal who may see the movement."""
    movement = reading.get_movement(ctx, mrn, principal)
    history = reading.movement_history(ctx, mrn, principal)
    release = _release_event(movement, history)
    receipt = _release_receipt(ctx, movement.mrn, release)
    size = parse_checkpoint(split_note(receipt.checkpoint)[0]).size
    return DocumentData(
        movement, tuple(history), ctx.corridor, receipt, ctx.log_origin, size,
        log_service.vkey(ctx), ctx.now(),
    )  # fmt: skip


def accompanying_document(
    ctx: Context, mrn: str, principal: Principal, gettext: Callable[[str], str], lang: str
) -> bytes:
    """The A4 PDF of the movement's transit accompanying document."""
    return render_pdf(document_data(ctx, mrn, principal), gettext, lang)


def _release_event(movement: Movement, history: list[MovementEvent]) -> MovementEvent:
    releases = [e for e in history if e.action is Action.RELEASE]
    if movement.released_at is None or not releases:
        raise PreconditionFailed(
            f"movement {movement.mrn} is {movement.state}: the accompanying document is "
            "issued when customs release it for transit"
        )
    return releases[-1]


def _release_receipt(ctx: Context, mrn: str, release: MovementEvent) -> Receipt:
    not_yet = PreconditionFailed(
        f"the release of {mrn} is not in the transparency log yet; the sequencer "
        "integrates it within seconds: try again"
    )
    try:
        made, _pending = log_service.receipts(ctx, mrn)
    except NotFound:
        raise not_yet from None
    for item in made:
        if item.event_sequence == release.sequence:
            return item.receipt
    raise not_yet
