"""Who witnesses the corridor's log, and whose cosignatures a checkpoint needs.

Each state and each monitoring mission may run a witness (C2SP tlog-witness) on its own
host: it checks that the log only grows and cosigns its checkpoints. The corridor file
lists them under ``[[log.witnesses]]`` and says, under ``[log.policy]``, whose
cosignatures a checkpoint must carry before a party relies on it: for TRIPP, both
states and at least one monitor.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MONITOR_PREFIX = "monitor:"


@dataclass(frozen=True)
class LogWitness:
    """One witness of the corridor's log."""

    name: str
    """A label unique in the corridor, e.g. ``am-customs``."""
    vkey: str
    """Its cosigner verifier key (C2SP signed-note, type 0x04)."""
    url: str
    """Its prefix: the log posts checkpoints to ``<url>/add-checkpoint``."""
    party: str
    """Who runs it: a state's code (``AM``) or ``monitor:<name>``."""

    @property
    def monitor(self) -> str | None:
        """The monitor's name if a monitor runs this witness, else None."""
        return self.party.removeprefix(MONITOR_PREFIX) if self.is_monitor else None

    @property
    def is_monitor(self) -> bool:
        return self.party.startswith(MONITOR_PREFIX)


@dataclass(frozen=True)
class CosigningPolicy:
    """A checkpoint is relied on once a witness of every state in ``parties`` and
    witnesses of at least ``monitors`` different monitors have cosigned it."""

    parties: tuple[str, ...] = ()
    monitors: int = 0


@dataclass(frozen=True)
class LogOversight:
    """The ``[log]`` table of a corridor file: the witnesses and the policy."""

    witnesses: tuple[LogWitness, ...] = ()
    policy: CosigningPolicy = field(default_factory=CosigningPolicy)

    def of_party(self, party: str) -> tuple[LogWitness, ...]:
        return tuple(w for w in self.witnesses if w.party == party)

    @property
    def monitors(self) -> tuple[str, ...]:
        """The monitors that run a witness, each once, in the file's order."""
        names = (w.monitor for w in self.witnesses if w.monitor is not None)
        return tuple(dict.fromkeys(names))
