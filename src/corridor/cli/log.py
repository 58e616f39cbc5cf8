"""`corridor log`: the operator's key, the sequencer, witnesses, the whole-log check,
receipts."""

from __future__ import annotations

from pathlib import Path

import typer

from corridor import log_service
from corridor.bootstrap import Context
from corridor.cli.common import console, open_context, settings
from corridor.corridors import load_corridor
from corridor.domain.errors import InvalidInput, PreconditionFailed
from corridor.ledger.entry import EntryError, parse_entry
from corridor.ledger.log import LogCorruptionError
from corridor.ledger.proof import ReceiptError, format_receipt, parse_receipt, verify_receipt
from corridor.witnessing import Collection, CosignatureCollector, checkpoint_status, cosigner_policy

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
def integrate(
    witnesses: bool = typer.Option(
        True, "--witnesses/--no-witnesses", help="Then collect the witnesses' cosignatures."
    ),
) -> None:
    """Integrate every pending entry, sign a new checkpoint and have it cosigned."""
    ctx = open_context()
    try:
        size = log_service.integrate_all(ctx)
        console.print(f"log {ctx.log_origin}: {size} entries")
        if witnesses:
            _collect(ctx)
    finally:
        ctx.close()


def _collect(ctx: Context) -> None:
    with CosignatureCollector(ctx) as collector:
        collection = collector.collect()
    if collection is not None:
        _print_collection(collection)


def _print_collection(collection: Collection) -> None:
    for answer in collection.answers:
        style = "green" if answer.cosignature else "yellow"
        console.print(f"  witness {answer.witness.name}: {answer.detail}", style=style)
    console.print(collection.status.describe(), style="green" if collection.status.met else "red")


@log_app.command("witnesses")
def witnesses_command() -> None:
    """Show who cosigned the latest checkpoint and whether the witness policy is met."""
    ctx = open_context()
    try:
        status = checkpoint_status(ctx)
    finally:
        ctx.close()
    for witness in ctx.corridor.log.witnesses:
        mark = "cosigned" if witness.name in status.cosigned_by else "missing"
        console.print(f"  {witness.name} ({witness.party}, {witness.url}): {mark}")
    console.print(status.describe(), style="green" if status.met else "red")


@log_app.command("checkpoint")
def checkpoint() -> None:
    """Print the latest signed checkpoint (a C2SP signed note)."""
    ctx = open_context()
    try:
        typer.echo(log_service.signed_checkpoint(ctx).decode(), nl=False)
    finally:
        ctx.close()


@log_app.command("verify")
def verify(
    url: str | None = typer.Option(
        None, "--url", help="Verify the log served here (tlog-tiles), e.g. http://host/log."
    ),
    vkey: str | None = typer.Option(
        None, "--vkey", help="The log's verifier key (with --url; default: this database's)."
    ),
) -> None:
    """Recompute the whole log from its entries: against the database, or over HTTP."""
    if url is not None:
        _verify_url(url, vkey)
        return
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


def _verify_url(url: str, vkey: str | None) -> None:
    from corridor.remote_log import RemoteLogError, verify_url

    corridor = load_corridor(settings().corridor_path)
    vkey = vkey or _local_vkey()
    try:
        result = verify_url(url, vkey, corridor.log, policy_name=corridor.code)
    except LogCorruptionError as error:
        raise PreconditionFailed(f"log verification FAILED: {error}") from None
    except RemoteLogError as error:
        raise PreconditionFailed(f"cannot read the log: {error}") from None
    checkpoint = result.report.checkpoint
    console.print(
        f"log {checkpoint.origin} at {url} verified: {checkpoint.size} entries, "
        f"{result.report.tiles} tiles recomputed from the entries ({result.requests} requests)"
    )
    if result.policy is not None and corridor.log.witnesses:
        console.print(result.policy.describe(), style="green" if result.policy.met else "red")


def _local_vkey() -> str:
    ctx = open_context()
    ctx.close()
    return log_service.vkey(ctx)


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
    policy: bool = typer.Option(
        False, "--policy", help="Also require the witness policy of the corridor file (log.policy)."
    ),
) -> None:
    """Verify a tlog-proof receipt offline: signature, inclusion, and the entry it carries.

    With --policy, the receipt's checkpoint must also carry the cosignatures the
    corridor's witness policy requires.
    """
    try:
        receipt = parse_receipt(file.read_bytes())
    except OSError as error:
        raise InvalidInput(f"{file}: {error.strerror}") from None
    except ReceiptError as error:
        raise InvalidInput(f"{file}: not a tlog-proof receipt: {error}") from None
    if receipt.extra is None:
        raise InvalidInput(f"{file}: the receipt carries no entry (extra line)")
    vkey = vkey or _local_vkey()
    witness_policy = None
    if policy:
        corridor = load_corridor(settings().corridor_path)
        witness_policy = cosigner_policy(corridor.log, corridor.code)
    try:
        checkpoint = verify_receipt(receipt, receipt.extra, vkey, policy=witness_policy)
        entry = parse_entry(receipt.extra)
    except (ReceiptError, EntryError) as error:
        raise PreconditionFailed(f"receipt REJECTED: {error}") from None
    console.print(
        f"receipt OK: {entry.get('type')} of {entry.get('mrn')} is entry {receipt.index} "
        f"of {checkpoint.origin} at size {checkpoint.size}"
        + (", witness policy met" if policy else "")
    )
