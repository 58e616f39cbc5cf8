"""The log's witnesses: collect their cosignatures and say whether the policy is met.

After each integration the log posts its new checkpoint to every witness the corridor
file lists (``[[log.witnesses]]``), with a consistency proof from the size that witness
last cosigned (C2SP tlog-witness), and appends the cosignature lines it gets back to
the stored checkpoint, so ``log_service.signed_checkpoint`` and every receipt built
afterwards carry them. The policy (``[log.policy]``: e.g. both states and one monitor)
is evaluated on the stored note. A witness that is down or refuses is reported; the log
goes on, its checkpoints simply lack that cosignature.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx

from corridor import log_service
from corridor.bootstrap import Context
from corridor.domain.errors import NotFound
from corridor.domain.oversight import LogOversight, LogWitness
from corridor.ledger.checkpoint import Checkpoint, parse_checkpoint, parse_decimal
from corridor.ledger.cosignature import cosignature_verifier
from corridor.ledger.note import NoteError, Signature, parse_signature_line, split_note
from corridor.ledger.policy import CosignerGroup, verified_cosigners
from corridor.ledger.witness import SIZE_CONTENT_TYPE, AddCheckpointRequest, format_add_checkpoint
from corridor.store.log_storage import SqlLogStorage

TIMEOUT = 2.0
"""Seconds to wait for a witness: a slow witness must not hold the log up."""
LOGGER = logging.getLogger("corridor.witnessing")


# --- The policy ---------------------------------------------------------------------


def cosigner_policy(oversight: LogOversight, name: str = "log") -> CosignerGroup:
    """``[log.policy]`` as a ``ledger.policy`` tree: one group per required state
    (any of its witnesses), and a group of ``monitors`` distinct monitors."""
    policy = oversight.policy
    members = [_party_group(oversight, party) for party in policy.parties]
    if policy.monitors:
        monitors = tuple(_party_group(oversight, f"monitor:{m}") for m in oversight.monitors)
        members.append(CosignerGroup("monitors", policy.monitors, monitors))
    return CosignerGroup(name, len(members), tuple(members))


def _party_group(oversight: LogOversight, party: str) -> CosignerGroup:
    return CosignerGroup(party, 1, tuple(w.vkey for w in oversight.of_party(party)))


@dataclass(frozen=True)
class PolicyStatus:
    """Who cosigned a checkpoint and whether that meets the policy."""

    size: int
    cosigned_by: tuple[str, ...]
    met: bool
    missing: tuple[str, ...]

    def describe(self) -> str:
        who = ", ".join(self.cosigned_by) or "no witness"
        verdict = "met" if self.met else f"NOT met (missing {', '.join(self.missing)})"
        return f"size {self.size} cosigned by {who}: witness policy {verdict}"


def policy_status(oversight: LogOversight, signed: bytes, name: str = "log") -> PolicyStatus:
    """Evaluate the policy on a signed checkpoint note (only valid cosignatures count)."""
    checkpoint = parse_checkpoint(split_note(signed)[0])
    cosigned = verified_cosigners(signed, tuple(w.vkey for w in oversight.witnesses))
    policy = cosigner_policy(oversight, name)
    names = tuple(w.name for w in oversight.witnesses if w.vkey in cosigned)
    return PolicyStatus(
        checkpoint.size, names, policy.satisfied_by(cosigned), policy.unmet(cosigned)
    )


def checkpoint_status(ctx: Context) -> PolicyStatus:
    """The policy on the log's latest checkpoint, as stored."""
    return policy_status(ctx.corridor.log, log_service.signed_checkpoint(ctx), ctx.corridor.code)


# --- Collecting cosignatures --------------------------------------------------------


@dataclass(frozen=True)
class WitnessAnswer:
    """What one witness answered for one checkpoint."""

    witness: LogWitness
    cosignature: Signature | None
    detail: str


@dataclass(frozen=True)
class Collection:
    """One round: the checkpoint, each witness asked, and the policy afterwards."""

    checkpoint: Checkpoint
    answers: tuple[WitnessAnswer, ...]
    status: PolicyStatus


class CosignatureCollector:
    """Asks the corridor's witnesses to cosign the log's latest checkpoint.

    Remembers the size each witness last cosigned, so that it sends the right ``old``
    size; a 409 (another size) is retried once with the size the witness states.
    """

    def __init__(
        self, ctx: Context, client: httpx.Client | None = None, timeout: float = TIMEOUT
    ) -> None:
        self._ctx = ctx
        self._oversight = ctx.corridor.log
        self._client = client or httpx.Client(timeout=timeout)
        self._owns_client = client is None
        self._sizes: dict[str, int] = {}

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> CosignatureCollector:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def collect(self) -> Collection | None:
        """One round; None when no witness is configured or the log has no checkpoint."""
        if not self._oversight.witnesses:
            return None
        try:
            signed = log_service.signed_checkpoint(self._ctx)
        except NotFound:
            return None
        text, signatures = split_note(signed)
        checkpoint = parse_checkpoint(text)
        have = verified_cosigners(signed, tuple(w.vkey for w in self._oversight.witnesses))
        todo = [w for w in self._oversight.witnesses if w.vkey not in have]
        note = self._log_signed(text, signatures)
        answers = self._ask_all(todo, checkpoint, text, note)
        new = [a.cosignature for a in answers if a.cosignature is not None]
        signed = attach_cosignatures(self._ctx, checkpoint.size, new) or signed
        status = policy_status(self._oversight, signed, self._ctx.corridor.code)
        return Collection(checkpoint, tuple(answers), status)

    def _log_signed(self, text: str, signatures: Sequence[Signature]) -> bytes:
        """The checkpoint with the log's own signature only, as witnesses are sent it."""
        signer = self._ctx.log_signer
        own = [s for s in signatures if (s.name, s.key_id) == (signer.name, signer.key_id)]
        return (text + "\n" + "".join(s.line() for s in own)).encode()

    def _ask_all(
        self, witnesses: Sequence[LogWitness], checkpoint: Checkpoint, text: str, note: bytes
    ) -> list[WitnessAnswer]:
        if not witnesses:
            return []
        with ThreadPoolExecutor(max_workers=len(witnesses)) as pool:
            return list(pool.map(lambda w: self._ask(w, checkpoint, text, note), witnesses))

    def _ask(
        self, witness: LogWitness, checkpoint: Checkpoint, text: str, note: bytes
    ) -> WitnessAnswer:
        response = self._exchange(witness, checkpoint.size, note)
        if isinstance(response, WitnessAnswer):
            return response
        if response.status_code != 200:
            return _refused(witness, f"HTTP {response.status_code}: {_first_line(response)}")
        cosignature = _cosignature(witness, text, response.content)
        if cosignature is None:
            return _refused(witness, "answered without a valid cosignature of its key")
        self._sizes[witness.name] = checkpoint.size
        return WitnessAnswer(witness, cosignature, f"cosigned size {checkpoint.size}")

    def _exchange(
        self, witness: LogWitness, size: int, note: bytes
    ) -> httpx.Response | WitnessAnswer:
        """Post the checkpoint; after a 409, once more from the size the witness states."""
        old = self._sizes.get(witness.name, 0)
        response = self._post(witness, old, size, note)
        stated = None if isinstance(response, WitnessAnswer) else _stated_size(response)
        if stated is None or stated == old:
            return response
        self._sizes[witness.name] = stated
        if stated > size:
            detail = f"it cosigned size {stated}, beyond this log's {size}: rollback or fork?"
            return _refused(witness, detail)
        return self._post(witness, stated, size, note)

    def _post(
        self, witness: LogWitness, old: int, size: int, note: bytes
    ) -> httpx.Response | WitnessAnswer:
        proof = log_service.consistency(self._ctx, old, size) if old else []
        body = format_add_checkpoint(AddCheckpointRequest(old, tuple(proof), note))
        try:
            return self._client.post(witness.url.rstrip("/") + "/add-checkpoint", content=body)
        except httpx.HTTPError as error:
            return _refused(witness, f"unreachable: {type(error).__name__}: {error}")


def _refused(witness: LogWitness, detail: str) -> WitnessAnswer:
    return WitnessAnswer(witness, None, detail)


def _stated_size(response: httpx.Response) -> int | None:
    """The size a 409 answer states (C2SP tlog-witness), None for any other answer."""
    content_type = response.headers.get("content-type", "").split(";")[0].strip()
    if response.status_code != 409 or content_type != SIZE_CONTENT_TYPE:
        return None
    try:
        return parse_decimal(response.text.removesuffix("\n"), "size")
    except ValueError:
        return None


def _first_line(response: httpx.Response) -> str:
    return response.text.strip().split("\n")[0][:200]


def _cosignature(witness: LogWitness, text: str, body: bytes) -> Signature | None:
    """The witness's valid cosignature among the lines it answered, if any."""
    verifier = cosignature_verifier(witness.vkey)
    try:
        lines = body.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return None
    for line in lines:
        try:
            sig = parse_signature_line(line)
        except NoteError:
            continue
        same_key = (sig.name, sig.key_id) == (verifier.name, verifier.key_id)
        if same_key and verifier.verify(text.encode(), sig.signature):
            return sig
    return None


def attach_cosignatures(ctx: Context, size: int, new: Sequence[Signature]) -> bytes | None:
    """Append ``new`` cosignature lines to the stored checkpoint if it still has ``size``
    (a newer checkpoint waits for the next round); replaces an older line of the same
    key. Returns the stored note, or None when nothing was stored."""
    if not new:
        return None
    with ctx.unit_of_work() as uow:
        storage = SqlLogStorage(uow.connection, ctx.log_origin, ctx.now())
        stored = storage.read_checkpoint()
        if stored is None:
            return None
        text, signatures = split_note(stored)
        if parse_checkpoint(text).size != size:
            return None
        keys = {(s.name, s.key_id) for s in new}
        kept = [s for s in signatures if (s.name, s.key_id) not in keys]
        signed = (text + "\n" + "".join(s.line() for s in [*kept, *new])).encode()
        # UPDATE log_checkpoint SET signed = ... WHERE size = <size>: the commit point.
        if not storage.swap_checkpoint(size, size, signed):
            return None
        uow.commit()
    return signed


# --- In the background ----------------------------------------------------------------


class Cosigning:
    """Collects cosignatures in a thread of its own, beside the ``Sequencer``, so a slow
    witness never holds up integration: every ``interval`` seconds it asks the witnesses
    whose cosignature the latest checkpoint lacks."""

    def __init__(self, ctx: Context, interval: float = 1.0) -> None:
        self._collector = CosignatureCollector(ctx)
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="corridor-cosigning", daemon=True)
        self._last: str | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._collector.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._report(self._collector.collect())
            except Exception:  # logged and retried: cosignatures are only ever added
                LOGGER.exception("collecting cosignatures failed; retrying")
            self._stop.wait(self._interval)

    def _report(self, collection: Collection | None) -> None:
        """Log the policy status when it changes, with what the witnesses said."""
        if collection is None or collection.status.describe() == self._last:
            return
        self._last = collection.status.describe()
        level = logging.INFO if collection.status.met else logging.WARNING
        LOGGER.log(level, "%s", self._last)
        for answer in collection.answers:
            if answer.cosignature is None:
                LOGGER.warning("witness %s: %s", answer.witness.name, answer.detail)
