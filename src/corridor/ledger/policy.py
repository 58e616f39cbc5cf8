"""Witness policies: which cosignatures a checkpoint needs before a verifier trusts it.

A policy is a tree of groups, as in the transparency-dev and litetlog policy files: a
leaf is one witness's cosigner key (a type 0x04 vkey), a group is met when at least
``quorum`` of its members are. "Both states and one monitor" is

>>> from corridor.ledger.cosignature import CosignatureSigner
>>> am, az, m1, m2 = (CosignatureSigner.generate(n, lambda: 0).verifier().vkey
...                   for n in ("am.example/w", "az.example/w", "m1.example/w", "m2.example/w"))
>>> policy = CosignerGroup("TRIPP", 3, (
...     CosignerGroup("AM", 1, (am,)),
...     CosignerGroup("AZ", 1, (az,)),
...     CosignerGroup("monitors", 1, (CosignerGroup("m1", 1, (m1,)),
...                                   CosignerGroup("m2", 1, (m2,)))),
... ))
>>> policy.satisfied_by({am, az, m2})
True
>>> policy.unmet({am, m1})
('AZ',)

Members of a group count once each, so a monitor that runs two witnesses is one
member (a subgroup with quorum 1), not two.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass

from corridor.ledger.cosignature import cosignature_verifier
from corridor.ledger.note import split_note


@dataclass(frozen=True)
class CosignerGroup:
    """Met when at least ``quorum`` of ``members`` (vkeys or subgroups) are met."""

    name: str
    quorum: int
    members: tuple[str | CosignerGroup, ...]

    def __post_init__(self) -> None:
        if not 0 <= self.quorum <= len(self.members):
            raise ValueError(f"group {self.name}: quorum must be between 0 and its size")
        for member in self.members:
            if isinstance(member, str):
                cosignature_verifier(member)  # raises KeyFormatError on a bad key

    @property
    def vkeys(self) -> tuple[str, ...]:
        """Every cosigner key in the policy, each once."""
        keys: dict[str, None] = {}
        for member in self.members:
            keys.update(dict.fromkeys((member,) if isinstance(member, str) else member.vkeys))
        return tuple(keys)

    def satisfied_by(self, cosigned: Set[str]) -> bool:
        """Whether the cosigners ``cosigned`` (vkeys whose signatures verified) suffice."""
        return sum(_met(member, cosigned) for member in self.members) >= self.quorum

    def unmet(self, cosigned: Set[str]) -> tuple[str, ...]:
        """Why the policy is not met: the names of its subgroups that are not met (its
        own name if it has none); empty when it is met."""
        if self.satisfied_by(cosigned):
            return ()
        inner = tuple(
            member.name
            for member in self.members
            if isinstance(member, CosignerGroup) and not member.satisfied_by(cosigned)
        )
        return inner or (self.name,)

    def shortfall(self, cosigned: Set[str]) -> str:
        missing = ", ".join(self.unmet(cosigned))
        return f"witness policy {self.name} not met: no cosignature from {missing}"


def _met(member: str | CosignerGroup, cosigned: Set[str]) -> bool:
    return member in cosigned if isinstance(member, str) else member.satisfied_by(cosigned)


def verified_cosigners(signed_note: bytes, vkeys: tuple[str, ...]) -> frozenset[str]:
    """The vkeys among ``vkeys`` with a valid cosignature on the note; a bad or
    missing cosignature simply does not count. Raises NoteError on a malformed note."""
    text, signatures = split_note(signed_note)
    verifiers = {vkey: cosignature_verifier(vkey) for vkey in vkeys}
    found = set()
    for vkey, verifier in verifiers.items():
        for sig in signatures:
            same_key = (sig.name, sig.key_id) == (verifier.name, verifier.key_id)
            if same_key and verifier.verify(text.encode(), sig.signature):
                found.add(vkey)
    return frozenset(found)
