"""Tampering the operator could try, and who catches it: `corridor log verify` catches a
changed entry, tile or checkpoint in the store; a witness refuses to cosign a checkpoint
rebuilt over a changed leaf (a split view at the same size), a rolled-back one, a tree
whose tiles were changed (no consistency proof verifies), and a forged signature."""

from __future__ import annotations

import base64
from dataclasses import replace

import pytest
from sqlalchemy import select, update

from corridor import log_service, services
from corridor.bootstrap import Context
from corridor.domain.declaration import TransitDeclaration
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.ledger.checkpoint import Checkpoint
from corridor.ledger.cosignature import CosignatureSigner
from corridor.ledger.log import LogCorruptionError
from corridor.ledger.merkle import MemoryTree
from corridor.ledger.note import sign_note
from corridor.ledger.tiles import BundleId, decode_bundle
from corridor.ledger.witness import (
    AddCheckpointRequest,
    MemoryWitnessStorage,
    Witness,
    WitnessError,
    format_add_checkpoint,
    http_status,
)
from corridor.store.tables import log_tiles


def _grow(ctx: Context, declaration: TransitDeclaration, lrns: list[str]) -> bytes:
    holder = Principal("c", Role.CARRIER, holder=declaration.holder.identification_number)
    for lrn in lrns:
        services.lodge(ctx, replace(declaration, lrn=lrn), holder)
    log_service.integrate_all(ctx)
    return log_service.signed_checkpoint(ctx)


def _witness(ctx: Context) -> Witness:
    signer = CosignatureSigner.generate("am-customs.witness", clock=lambda: 1_800_000_000)
    return Witness(signer, {ctx.log_origin: [log_service.vkey(ctx)]}, MemoryWitnessStorage())


def _offer(witness: Witness, old: int, proof: list[bytes], note: bytes) -> int:
    """The witness's HTTP status for this add-checkpoint request."""
    try:
        witness.add_checkpoint(format_add_checkpoint(AddCheckpointRequest(old, tuple(proof), note)))
    except WitnessError as error:
        return http_status(error)
    return 200


def _entries(ctx: Context, size: int) -> list[bytes]:
    return decode_bundle(log_service.read_bundle(ctx, BundleId(0, size)), size)


def test_a_checkpoint_rebuilt_over_a_changed_leaf_is_a_split_view_to_the_witness(
    ctx: Context, declaration: TransitDeclaration
) -> None:
    witness = _witness(ctx)
    honest = _grow(ctx, declaration, ["W-1", "W-2"])
    size = log_service.current_checkpoint(ctx).size
    assert _offer(witness, 0, [], honest) == 200
    leaves = _entries(ctx, size)
    leaves[1] = leaves[1].replace(b'"state":"lodged"', b'"state":"accepted"')
    forged_root = MemoryTree(leaves).root()
    forged = sign_note(Checkpoint(ctx.log_origin, size, forged_root).text(), [ctx.log_signer])
    assert _offer(witness, size, [], forged) == 422  # same size, another root: refused


def test_a_rolled_back_checkpoint_is_refused(ctx: Context, declaration: TransitDeclaration) -> None:
    witness = _witness(ctx)
    old = _grow(ctx, declaration, ["B-1"])
    old_size = log_service.current_checkpoint(ctx).size
    new = _grow(ctx, declaration, ["B-2"])
    new_size = log_service.current_checkpoint(ctx).size
    proof = log_service.consistency(ctx, 0, new_size)
    assert _offer(witness, 0, proof, new) == 200
    assert _offer(witness, new_size, [], old) in (400, 409)  # smaller than what it cosigned
    assert old_size < new_size


def test_changed_tiles_give_no_consistency_proof_a_witness_accepts(
    ctx: Context, declaration: TransitDeclaration
) -> None:
    witness = _witness(ctx)
    first = _grow(ctx, declaration, ["T-1", "T-2", "T-3"])
    old_size = log_service.current_checkpoint(ctx).size
    assert _offer(witness, 0, [], first) == 200
    _grow(ctx, declaration, ["T-4"])
    new_size = log_service.current_checkpoint(ctx).size
    with ctx.engine.begin() as connection:  # the operator rewrites a stored hash
        tile = bytes(
            connection.execute(select(log_tiles.c.data).where(log_tiles.c.level == 0)).scalar_one()
        )
        changed = tile[:32] + bytes([tile[32] ^ 1]) + tile[33:]
        connection.execute(update(log_tiles).where(log_tiles.c.level == 0).values(data=changed))
    with pytest.raises(LogCorruptionError):
        log_service.verify(ctx)
    proof = log_service.consistency(ctx, old_size, new_size)  # read from the changed tiles
    assert _offer(witness, old_size, proof, log_service.signed_checkpoint(ctx)) == 422


def test_a_forged_log_signature_is_refused(ctx: Context, declaration: TransitDeclaration) -> None:
    witness = _witness(ctx)
    note = _grow(ctx, declaration, ["F-1"])
    text, _, line = note.rpartition(b"\n\n")  # the signature line, still valid base64
    name, _, value = line.rstrip(b"\n").rpartition(b" ")
    signature = bytearray(base64.b64decode(value))
    signature[-1] ^= 1  # one bit of the Ed25519 signature, after the key ID
    forged = text + b"\n\n" + name + b" " + base64.b64encode(bytes(signature)) + b"\n"
    assert _offer(witness, 0, [], forged) == 403
