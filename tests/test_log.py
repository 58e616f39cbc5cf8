"""The transparency log wired into the services: every action's entry, the sequencer,
crashes, tampering, receipts and proofs."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select, update

from corridor import log_service, services
from corridor.bootstrap import Context
from corridor.domain.declaration import TransitDeclaration
from corridor.domain.errors import IllegalTransition, NotFound
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.ledger.checkpoint import parse_checkpoint
from corridor.ledger.entry import parse_entry, verify_commitment
from corridor.ledger.log import LogCorruptionError
from corridor.ledger.merkle import leaf_hash, verify_consistency, verify_inclusion
from corridor.ledger.note import split_note
from corridor.ledger.proof import ReceiptError, format_receipt, parse_receipt, verify_receipt
from corridor.ledger.tiles import BundleId, TileId
from corridor.store.log_storage import LogEntryRepository, SqlLogStorage
from corridor.store.tables import log_bundles, log_checkpoint, log_entries, log_tiles

AZ = Principal("officer-az", Role.CUSTOMS, state="AZ")


def _lodge(ctx: Context, declaration: TransitDeclaration, lrn: str = "L-1") -> str:
    holder = Principal(
        "khazar-dispatch", Role.CARRIER, holder=declaration.holder.identification_number
    )
    return services.lodge(ctx, replace(declaration, lrn=lrn), holder).movement.mrn


def _journey(ctx: Context, declaration: TransitDeclaration, lrn: str) -> str:
    mrn = _lodge(ctx, declaration, lrn)
    services.accept(ctx, mrn, AZ)
    services.release(ctx, mrn, AZ, seals=("AZ-1",))
    services.record_passage(ctx, mrn, AZ, "AZ0AGB01")
    return mrn


def _entries(ctx: Context) -> list[tuple[int | None, bytes]]:
    with ctx.engine.connect() as connection:
        rows = connection.execute(
            select(log_entries.c.log_index, log_entries.c.entry).order_by(log_entries.c.id)
        )
        return [(index, bytes(entry)) for index, entry in rows]


def test_every_action_appends_one_entry_in_its_own_transaction(
    ctx: Context, declaration: TransitDeclaration
) -> None:
    mrn = _journey(ctx, declaration, "J-1")
    entries = _entries(ctx)
    assert len(entries) == 4 and all(index is None for index, _ in entries)
    with pytest.raises(IllegalTransition):
        services.discharge(ctx, mrn, AZ, "AZ0NAX01")
    assert len(_entries(ctx)) == 4
    types = [parse_entry(entry)["type"] for _, entry in entries]
    assert types == [
        "movement.lodge",
        "movement.accept",
        "movement.release",
        "movement.record_passage",
    ]


def test_the_public_part_hides_commercial_details(
    ctx: Context, declaration: TransitDeclaration
) -> None:
    _journey(ctx, declaration, "J-2")
    lodge_entry = _entries(ctx)[0][1]
    public = parse_entry(lodge_entry)
    text = lodge_entry.decode()
    for secret in (
        declaration.holder.name,
        "520812",
        "Naxçıvan Ticarət",
        "officer-az",
        "khazar-dispatch",
    ):
        assert secret not in text
    assert public["facts"]["mode"] == "road" and public["facts"]["destination"] == "AZ0NAX01"
    assert public["actor"] == {"role": "carrier", "holder_country": "AZ"}
    with ctx.engine.connect() as connection:
        row = connection.execute(select(log_entries).order_by(log_entries.c.id)).first()
    assert row is not None
    verify_commitment(lodge_entry, row.payload, row.salt)
    assert row.payload["declaration"]["holder"]["name"] == declaration.holder.name
    tampered = {**row.payload, "principal": "someone else"}
    with pytest.raises(ValueError, match="commitment"):
        verify_commitment(lodge_entry, tampered, row.salt)


def test_the_sequencer_numbers_integrates_and_verifies(
    ctx: Context, declaration: TransitDeclaration
) -> None:
    for n in range(3):
        _journey(ctx, declaration, f"S-{n}")
    first = log_service.integrate_pending(ctx, batch=5)
    assert first is not None and first.checkpoint.size == 5
    assert log_service.integrate_all(ctx) == 12
    assert log_service.integrate_pending(ctx) is None
    assert [index for index, _ in _entries(ctx)] == list(range(12))
    report = log_service.verify(ctx)
    assert (report.size, report.commitments_checked, report.pending) == (12, 12, 0)
    note = log_service.signed_checkpoint(ctx).decode()
    assert note.startswith("tripp.corridor/log\n12\n") and "\n— tripp.corridor/log " in note


@pytest.mark.parametrize("fail_at", ["number", "bundle", "tile", "sign", "swap"])
def test_a_crash_at_any_step_of_integration_loses_nothing(
    ctx: Context, declaration: TransitDeclaration, monkeypatch: pytest.MonkeyPatch, fail_at: str
) -> None:
    for n in range(2):
        _journey(ctx, declaration, f"C-{n}")
    log_service.integrate_all(ctx)
    for n in range(2, 4):
        _journey(ctx, declaration, f"C-{n}")

    class Crash(Exception):
        pass

    def crash(*args: object, **kwargs: object) -> None:
        raise Crash(fail_at)

    with monkeypatch.context() as patch:
        if fail_at == "number":
            patch.setattr(LogEntryRepository, "numbered_from", crash)
        elif fail_at == "bundle":
            patch.setattr(SqlLogStorage, "write_bundle", crash)
        elif fail_at == "tile":
            patch.setattr(SqlLogStorage, "write_tile", crash)
        elif fail_at == "sign":
            patch.setattr(type(ctx.log_signer), "sign", crash)
        else:
            patch.setattr(SqlLogStorage, "swap_checkpoint", crash)
        with pytest.raises(Crash):
            log_service.integrate_pending(ctx)
    assert log_service.current_checkpoint(ctx).size == 8
    assert [index for index, _ in _entries(ctx)][8:] == [None] * 8
    assert log_service.integrate_all(ctx) == 16
    assert log_service.verify(ctx).size == 16
    assert len({entry for _, entry in _entries(ctx)}) == 16


def _tamper(ctx: Context, statement: object) -> None:
    with ctx.engine.begin() as connection:
        connection.execute(statement)  # type: ignore[call-overload]


def _flip(data: bytes, at: int = -1) -> bytes:
    changed = bytearray(data)
    changed[at] ^= 0x01
    return bytes(changed)


@pytest.mark.parametrize(
    "target", ["bundle", "tile", "operator_entry", "payload", "checkpoint", "lost_entry"]
)
def test_verification_detects_every_kind_of_tampering(
    ctx: Context, declaration: TransitDeclaration, target: str
) -> None:
    for n in range(3):
        _journey(ctx, declaration, f"T-{n}")
    log_service.integrate_all(ctx)
    assert log_service.verify(ctx).size == 12
    with ctx.engine.connect() as connection:
        bundle = bytes(connection.execute(select(log_bundles.c.data)).scalar_one())
        tile = bytes(connection.execute(select(log_tiles.c.data)).scalar_one())
        signed = bytes(connection.execute(select(log_checkpoint.c.signed)).scalar_one())
        entry = bytes(
            connection.execute(
                select(log_entries.c.entry).where(log_entries.c.log_index == 3)
            ).scalar_one()
        )
    statements = {
        "bundle": update(log_bundles).values(data=_flip(bundle, 40)),
        "tile": update(log_tiles).values(data=_flip(tile, 100)),
        "operator_entry": update(log_entries)
        .where(log_entries.c.log_index == 3)
        .values(entry=_flip(entry, 20)),
        "payload": update(log_entries)
        .where(log_entries.c.log_index == 5)
        .values(payload={"principal": "x"}),
        "checkpoint": update(log_checkpoint).values(signed=signed.replace(b"\n12\n", b"\n11\n")),
        "lost_entry": log_entries.delete().where(log_entries.c.log_index == 11),
    }
    _tamper(ctx, statements[target])
    with pytest.raises(LogCorruptionError):
        log_service.verify(ctx)


def test_receipts_verify_offline_and_reject_forgeries(
    ctx: Context, declaration: TransitDeclaration
) -> None:
    mrn = _journey(ctx, declaration, "R-1")
    other = _journey(ctx, declaration, "R-2")
    log_service.integrate_all(ctx)
    services.record_passage(ctx, mrn, AZ, "AZ0ORD01")  # not yet integrated
    made, pending = log_service.receipts(ctx, mrn)
    assert [m.event_sequence for m in made] == [1, 2, 3, 4] and pending == 1
    vkey = log_service.vkey(ctx)
    for item in made:
        receipt = parse_receipt(format_receipt(item.receipt))
        assert receipt.extra is not None
        checkpoint = verify_receipt(receipt, receipt.extra, vkey)
        assert checkpoint.size == 8 and parse_entry(receipt.extra)["mrn"] == mrn
    forged = parse_receipt(format_receipt(made[0].receipt))
    other_entry = log_service.receipts(ctx, other)[0][0].receipt.extra
    assert other_entry is not None
    with pytest.raises(ReceiptError):
        verify_receipt(forged, other_entry, vkey)
    with pytest.raises(NotFound):
        log_service.receipts(ctx, "26AZ0HRD01999999J0")


def test_proofs_and_tiles_served_match_the_checkpoints(
    ctx: Context, declaration: TransitDeclaration
) -> None:
    for n in range(5):
        _journey(ctx, declaration, f"P-{n}")
    log_service.integrate_pending(ctx, batch=7)
    old = log_service.current_checkpoint(ctx)
    log_service.integrate_all(ctx)
    new = log_service.current_checkpoint(ctx)
    assert (old.size, new.size) == (7, 20)
    entries = [entry for _, entry in _entries(ctx)]
    for index in (0, 6, 13, 19):
        proof = log_service.inclusion(ctx, index, new.size)
        verify_inclusion(leaf_hash(entries[index]), index, new.size, proof, new.root)
    proof = log_service.consistency(ctx, old.size, new.size)
    verify_consistency(old.size, new.size, old.root, new.root, proof)
    tile = log_service.read_tile(ctx, TileId(0, 0, 20))
    assert tile == b"".join(leaf_hash(e) for e in entries)
    assert log_service.read_tile(ctx, TileId(0, 0, 7)) == tile[: 7 * 32]
    bundle = log_service.read_bundle(ctx, BundleId(0, 20))
    assert bundle.startswith(len(entries[0]).to_bytes(2, "big") + entries[0])
    for unpublished in (TileId(0, 0, 21), TileId(0, 0), TileId(0, 1, 1)):
        with pytest.raises(NotFound):
            log_service.read_tile(ctx, unpublished)
    with pytest.raises(NotFound):
        log_service.inclusion(ctx, 20, 20)
    with pytest.raises(NotFound):
        log_service.consistency(ctx, 5, 21)


def test_a_new_log_has_no_checkpoint_until_integrated(ctx: Context) -> None:
    with pytest.raises(NotFound):
        log_service.signed_checkpoint(ctx)
    assert log_service.integrate_pending(ctx) is not None  # the empty tree's checkpoint
    checkpoint = parse_checkpoint(split_note(log_service.signed_checkpoint(ctx))[0])
    assert checkpoint.size == 0
    assert log_service.verify(ctx).size == 0
