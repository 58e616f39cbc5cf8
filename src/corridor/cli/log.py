"""`corridor log`: the operator's key, the sequencer, the whole-log check, receipts."""

from __future__ import annotations

from pathlib import Path

import typer

from corridor import log_service
from corridor.cli.common import console, open_context
from corridor.domain.errors import InvalidInput, PreconditionFailed
from corridor.ledger.entry import EntryError, parse_entry
from corridor.ledger.log import LogCorruptionError
from corridor.ledger.proof import ReceiptError, format_receipt, parse_receipt, verify_receipt

log_app = typer.Typer(
    help="The transparency log: key, integrate, verify, receipts.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(log_app, name="log")


@log_app.command("key")
def key() -> None:
    """Print the log's verifier key (vkey), which every party configures to verify."""
    ctx = open_context()
    ctx.close()
    typer.echo(log_service.vkey(ctx))


@log_app.command("integrate")
def integrate() -> None:
    """Integrate every pending entry and sign a new checkpoint."""
    ctx = open_context()
    try:
        size = log_service.integrate_all(ctx)
    finally:
        ctx.close()
    console.print(f"log {ctx.log_origin}: {size} entries")


@log_app.command("checkpoint")
def checkpoint() -> None:
    """Print the latest signed checkpoint (a C2SP signed note)."""
    ctx = open_context()
    try:
        typer.echo(log_service.signed_checkpoint(ctx).decode(), nl=False)
    finally:
        ctx.close()


@log_app.command("verify")
def verify() -> None:
    """Recompute the whole log from its entries and check everything against the store."""
    ctx = open_context()
    try:
        report = log_service.verify(ctx)
    except LogCorruptionError as error:
        raise PreconditionFailed(f"log verification FAILED: {error}") from None
    finally:
        ctx.close()
    console.print(
        f"log {ctx.log_origin} verified: {report.size} entries, {report.tiles_checked} tiles, "
        f"{report.commitments_checked} commitments; {report.pending} pending"
    )


@log_app.command("receipt")
def receipt(
    mrn: str,
    out: Path | None = typer.Option(
        None, "--out", help="Write one .tlog-proof file per event here."
    ),
) -> None:
    """Print (or write) tlog-proof receipts for a movement's logged events."""
    ctx = open_context()
    try:
        made, pending = log_service.receipts(ctx, mrn)
    finally:
        ctx.close()
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    for item in made:
        text = format_receipt(item.receipt)
        if out is None:
            typer.echo(text.decode(), nl=False)
            typer.echo("")
        else:
            (out / f"{mrn}-{item.event_sequence:03d}.tlog-proof").write_bytes(text)
    if pending:
        console.print(
            f"{pending} event(s) not yet integrated: run `corridor log integrate`", style="yellow"
        )


@log_app.command("check-receipt")
def check_receipt(
    file: Path,
    vkey: str | None = typer.Option(
        None, "--vkey", help="The log's verifier key (default: this database's)."
    ),
) -> None:
    """Verify a tlog-proof receipt offline: signature, inclusion, and the entry it carries."""
    try:
        receipt = parse_receipt(file.read_bytes())
    except OSError as error:
        raise InvalidInput(f"{file}: {error.strerror}") from None
    except ReceiptError as error:
        raise InvalidInput(f"{file}: not a tlog-proof receipt: {error}") from None
    if receipt.extra is None:
        raise InvalidInput(f"{file}: the receipt carries no entry (extra line)")
    if vkey is None:
        ctx = open_context()
        ctx.close()
        vkey = log_service.vkey(ctx)
    try:
        checkpoint = verify_receipt(receipt, receipt.extra, vkey)
        entry = parse_entry(receipt.extra)
    except (ReceiptError, EntryError) as error:
        raise PreconditionFailed(f"receipt REJECTED: {error}") from None
    console.print(
        f"receipt OK: {entry.get('type')} of {entry.get('mrn')} is entry {receipt.index} "
        f"of {checkpoint.origin} at size {checkpoint.size}"
    )
