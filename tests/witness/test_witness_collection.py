"""The log collects cosignatures from three witnesses (AM, AZ, a monitor) served over
HTTP in this process, publishes them on its checkpoint and receipts, and reports the
policy; with the monitor down the policy is not met, and the log goes on."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from witness_testing import RunningWitness, make_witness, serving, with_witnesses, witness_app

from corridor import log_service, services
from corridor.bootstrap import Context, Settings, bootstrap
from corridor.domain.declaration import TransitDeclaration
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.ledger.cosignature import CosignatureSigner
from corridor.ledger.note import split_note
from corridor.ledger.policy import verified_cosigners
from corridor.ledger.proof import ReceiptVerificationError, verify_receipt
from corridor.sim.demo import START, SimulatedClock, plan_demo, run_demo
from corridor.witnessing import (
    CosignatureCollector,
    Cosigning,
    attach_cosignatures,
    checkpoint_status,
    cosigner_policy,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Context]:
    """A log the demo filled: a dozen movements driven through the real services."""
    clock = SimulatedClock(START)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'corridor.sqlite'}")
    ctx = bootstrap(settings, clock=clock, initialise=True)
    run_demo(ctx, clock, plan_demo(ctx, 12, seed=5))
    yield ctx
    ctx.close()


@pytest.fixture
def witnesses(tmp_path: Path, demo: Context) -> Iterator[list[RunningWitness]]:
    logs = {demo.log_origin: [log_service.vkey(demo)]}
    made = [
        make_witness(tmp_path, "am", "AM", logs),
        make_witness(tmp_path, "az", "AZ", logs),
        make_witness(tmp_path, "mission", "monitor:mission", logs),
    ]
    yield made
    for witness in made:
        witness.storage.close()


def _grow(ctx: Context, declaration: TransitDeclaration, lrn: str) -> None:
    holder = Principal("carrier", Role.CARRIER, holder=declaration.holder.identification_number)
    mrn = services.lodge(ctx, replace(declaration, lrn=lrn), holder).movement.mrn
    services.accept(ctx, mrn, Principal("officer-az", Role.CUSTOMS, state="AZ"))
    log_service.integrate_all(ctx)


def _serve_all(stack: ExitStack, witnesses: list[RunningWitness]) -> None:
    for witness in witnesses:
        witness.url = stack.enter_context(serving(witness_app(witness)))


def test_three_witnesses_cosign_and_the_policy_is_met(
    demo: Context, witnesses: list[RunningWitness], declaration: TransitDeclaration
) -> None:
    size = log_service.current_checkpoint(demo).size
    assert size > 100
    with ExitStack() as stack:
        _serve_all(stack, witnesses)
        with_witnesses(demo, witnesses, ("AM", "AZ"), 1)
        collector = CosignatureCollector(demo)
        collection = collector.collect()
        assert collection is not None
        assert [a.detail for a in collection.answers] == [f"cosigned size {size}"] * 3
        assert collection.status.met and collection.status.missing == ()

        # The served checkpoint carries the log's signature and the three cosignatures.
        signed = log_service.signed_checkpoint(demo)
        vkeys = tuple(w.config.vkey for w in witnesses)
        assert verified_cosigners(signed, vkeys) == set(vkeys)
        assert len(split_note(signed)[1]) == 4
        assert checkpoint_status(demo).cosigned_by == ("am", "az", "mission")

        # Receipts built now carry them, and meet the policy offline.
        receipts = _receipts_of_first_movement(demo)
        policy = cosigner_policy(demo.corridor.log, "TRIPP")
        for item in receipts:
            assert item.receipt.extra is not None
            verify_receipt(item.receipt, item.receipt.extra, log_service.vkey(demo), policy=policy)

        # A second round on the same checkpoint asks nobody.
        again = collector.collect()
        assert again is not None and again.answers == () and again.status.met

        # The log grows: each witness gets a consistency proof from what it cosigned.
        _grow(demo, declaration, "GROW-1")
        grown = collector.collect()
        assert grown is not None and grown.status.met
        new_size = log_service.current_checkpoint(demo).size
        assert new_size > size
        for witness in witnesses:
            latest = witness.storage.latest(demo.log_origin)
            assert latest is not None and latest.size == new_size
        collector.close()


def _receipts_of_first_movement(ctx: Context) -> list[log_service.MovementReceipt]:
    with ctx.unit_of_work() as uow:
        first = uow.log.numbered(0, 1)[0]
    made, _pending = log_service.receipts(ctx, first.mrn)
    assert made
    return made


def test_a_collector_that_forgot_the_sizes_learns_them_from_409(
    demo: Context, witnesses: list[RunningWitness], declaration: TransitDeclaration
) -> None:
    """After a restart the log knows no witness's size: it sends old 0, gets 409 with
    the size, and sends again with the proof from there."""
    statuses: list[int] = []
    with ExitStack() as stack:
        _serve_all(stack, witnesses)
        with_witnesses(demo, witnesses, ("AM", "AZ"), 1)
        with CosignatureCollector(demo) as first:
            assert first.collect() is not None
        _grow(demo, declaration, "GROW-2")
        hooks = {"response": [lambda response: statuses.append(response.status_code)]}
        with httpx.Client(timeout=5, event_hooks=hooks) as client:
            collection = CosignatureCollector(demo, client).collect()
    assert collection is not None and collection.status.met
    assert sorted(statuses) == [200, 200, 200, 409, 409, 409]


def test_with_the_monitor_down_the_policy_is_not_met_and_the_log_goes_on(
    demo: Context, witnesses: list[RunningWitness], declaration: TransitDeclaration
) -> None:
    am, az, mission = witnesses
    mission.url = "http://127.0.0.1:9"  # nothing listens there
    with ExitStack() as stack:
        _serve_all(stack, [am, az])
        with_witnesses(demo, witnesses, ("AM", "AZ"), 1)
        collector = CosignatureCollector(demo, timeout=2.0)
        collection = collector.collect()
        assert collection is not None
        details = {a.witness.name: a.detail for a in collection.answers}
        assert details["am"] == details["az"] != details["mission"]
        assert details["mission"].startswith("unreachable")
        assert not collection.status.met and collection.status.missing == ("monitors",)
        assert "NOT met (missing monitors)" in collection.status.describe()

        # Receipts carry the two cosignatures: they pass without the policy, not with it.
        item = _receipts_of_first_movement(demo)[0]
        assert item.receipt.extra is not None
        vkey = log_service.vkey(demo)
        verify_receipt(item.receipt, item.receipt.extra, vkey)
        policy = cosigner_policy(demo.corridor.log, "TRIPP")
        with pytest.raises(ReceiptVerificationError, match="no cosignature from monitors"):
            verify_receipt(item.receipt, item.receipt.extra, vkey, policy=policy)

        # The log goes on: it integrates, verifies, and is cosigned by who is up.
        _grow(demo, declaration, "GROW-3")
        assert log_service.verify(demo).size == log_service.current_checkpoint(demo).size
        later = collector.collect()
        assert later is not None and later.status.cosigned_by == ("am", "az")

        # The monitor comes back: the next round meets the policy.
        mission.url = stack.enter_context(serving(witness_app(mission)))
        with_witnesses(demo, witnesses, ("AM", "AZ"), 1)
        with CosignatureCollector(demo) as fresh:
            back = fresh.collect()
        assert back is not None and back.status.met
        collector.close()


def test_an_answer_that_is_not_the_witness_cosignature_is_not_published(
    demo: Context, witnesses: list[RunningWitness]
) -> None:
    """A witness whose answer is signed by another key (or garbage) adds nothing."""
    am, az, mission = witnesses
    impostor = replace(az, signer=CosignatureSigner.generate(az.signer.name, lambda: 1))
    with ExitStack() as stack:
        am.url = stack.enter_context(serving(witness_app(am)))
        az.url = stack.enter_context(serving(witness_app(impostor)))
        mission.url = stack.enter_context(serving(witness_app(mission)))
        with_witnesses(demo, witnesses, ("AM", "AZ"), 1)
        with CosignatureCollector(demo) as collector:
            collection = collector.collect()
    assert collection is not None
    refused = [a for a in collection.answers if a.cosignature is None]
    assert [a.witness.name for a in refused] == ["az"]
    assert "without a valid cosignature" in refused[0].detail
    assert collection.status.missing == ("AZ",)
    assert checkpoint_status(demo).cosigned_by == ("am", "mission")


def test_cosignatures_for_a_checkpoint_the_log_moved_past_are_dropped(
    demo: Context, witnesses: list[RunningWitness], declaration: TransitDeclaration
) -> None:
    size = log_service.current_checkpoint(demo).size
    signature = witnesses[0].signer.cosign(split_note(log_service.signed_checkpoint(demo))[0])
    _grow(demo, declaration, "GROW-4")
    assert attach_cosignatures(demo, size, [signature]) is None
    assert len(split_note(log_service.signed_checkpoint(demo))[1]) == 1


def test_the_cosigning_thread_keeps_the_latest_checkpoint_cosigned(
    demo: Context, witnesses: list[RunningWitness], declaration: TransitDeclaration
) -> None:
    """What `corridor serve` runs beside the sequencer (every wait bounded)."""
    with ExitStack() as stack:
        _serve_all(stack, witnesses)
        with_witnesses(demo, witnesses, ("AM", "AZ"), 1)
        cosigning = Cosigning(demo, interval=0.05)
        cosigning.start()
        try:
            _wait_until_cosigned(demo)
            _grow(demo, declaration, "GROW-5")
            _wait_until_cosigned(demo)
        finally:
            cosigning.stop()


def _wait_until_cosigned(ctx: Context, timeout: float = 30.0) -> None:
    size = log_service.current_checkpoint(ctx).size
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = checkpoint_status(ctx)
        if status.size == size and status.met:
            return
        time.sleep(0.05)
    raise AssertionError(f"size {size} not cosigned in time: {checkpoint_status(ctx)}")
