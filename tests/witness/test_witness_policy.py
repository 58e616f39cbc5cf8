"""The `[log]` table of a corridor file (every error names its key) and the witness
policy it makes: both states and one monitor, for TRIPP."""

from __future__ import annotations

import copy
import tomllib
from typing import Any

import pytest

from corridor.corridors import corridor_from_dict, default_corridor_path
from corridor.domain.errors import InvalidCorridor
from corridor.domain.network import Corridor
from corridor.ledger.checkpoint import Checkpoint
from corridor.ledger.cosignature import CosignatureSigner
from corridor.ledger.note import Ed25519Signer, Signature, sign_note
from corridor.witnessing import cosigner_policy, policy_status
from corridor_testing import mutation

LOG = Ed25519Signer.generate("log.test/policy")
WITNESSES = {
    name: CosignatureSigner.generate(f"{name}.witness.test", lambda: 1_790_000_000)
    for name in ("am", "am2", "az", "m1", "m2")
}
VKEYS = {name: signer.verifier().vkey for name, signer in WITNESSES.items()}
TEXT = Checkpoint("log.test/policy", 7, bytes(32)).text()


def _tripp_data() -> dict[str, Any]:
    return tomllib.loads(default_corridor_path().read_text(encoding="utf-8"))


def _witness(name: str, party: str) -> dict[str, str]:
    return {"name": name, "party": party, "vkey": VKEYS[name], "url": f"http://{name}.test"}


def _with_log(log: dict[str, Any]) -> Corridor:
    data = _tripp_data()
    data["log"] = log
    return corridor_from_dict(data)


def test_tripp_needs_both_states_and_one_monitor(tripp: Corridor) -> None:
    assert [w.party for w in tripp.log.witnesses] == ["AM", "AZ", "monitor:civilian-mission"]
    policy = cosigner_policy(tripp.log, "TRIPP")
    am, az, mission = (w.vkey for w in tripp.log.witnesses)
    assert policy.satisfied_by({am, az, mission})
    assert policy.unmet({am, az}) == ("monitors",)
    assert policy.unmet({am, mission}) == ("AZ",)
    assert policy.unmet(set()) == ("AM", "AZ", "monitors")


def test_one_witness_of_a_state_suffices_and_a_monitor_counts_once() -> None:
    corridor = _with_log(
        {
            "witnesses": [
                _witness("am", "AM"),
                _witness("am2", "AM"),
                _witness("az", "AZ"),
                _witness("m1", "monitor:one"),
                _witness("m2", "monitor:one"),
            ],
            "policy": {"parties": ["AM", "AZ"], "monitors": 1},
        }
    )
    policy = cosigner_policy(corridor.log)
    assert policy.satisfied_by({VKEYS["am2"], VKEYS["az"], VKEYS["m2"]})
    assert not policy.satisfied_by({VKEYS["am"], VKEYS["am2"], VKEYS["m1"], VKEYS["m2"]})
    with pytest.raises(InvalidCorridor) as error:  # two witnesses but one monitor
        _with_log({**_log_of(corridor), "policy": {"monitors": 2}})
    assert error.value.key == "log.policy.monitors"


def _log_of(corridor: Corridor) -> dict[str, Any]:
    witnesses = [
        {"name": w.name, "party": w.party, "vkey": w.vkey, "url": w.url}
        for w in corridor.log.witnesses
    ]
    return {"witnesses": witnesses}


def test_a_corridor_without_witnesses_has_a_policy_met_by_nobody(sarp: Corridor) -> None:
    assert sarp.log.witnesses == () and cosigner_policy(sarp.log).satisfied_by(set())


BROKEN = [
    ("log-unknown", mutation("colour", "red"), "log.colour"),
    ("witnesses-table", mutation("witnesses", {"a": 1}), "log.witnesses"),
    ("witness-unknown", mutation("witnesses.0.colour", "red"), "log.witnesses[0].colour"),
    ("witness-name", mutation("witnesses.0.name", KeyError), "log.witnesses[0].name"),
    ("witness-vkey", mutation("witnesses.1.vkey", "nonsense"), "log.witnesses[1].vkey"),
    ("vkey-type", mutation("witnesses.1.vkey", LOG.verifier().vkey), "log.witnesses[1].vkey"),
    ("witness-url", mutation("witnesses.2.url", "ftp://x"), "log.witnesses[2].url"),
    ("witness-party", mutation("witnesses.0.party", "IR"), "log.witnesses[0].party"),
    ("monitor-name", mutation("witnesses.2.party", "monitor:"), "log.witnesses[2].party"),
    ("same-name", mutation("witnesses.1.name", "am-customs"), "log.witnesses[1].name"),
    ("same-url", mutation("witnesses.2.url", "http://127.0.0.1:7381"), "log.witnesses[2].url"),
    ("policy-unknown", mutation("policy.colour", 1), "log.policy.colour"),
    ("policy-party", mutation("policy.parties", ["AM", "IR"]), "log.policy.parties[1]"),
    ("policy-twice", mutation("policy.parties", ["AM", "AM"]), "log.policy.parties[1]"),
    ("policy-type", mutation("policy.parties", "AM"), "log.policy.parties"),
    ("monitors-many", mutation("policy.monitors", 2), "log.policy.monitors"),
    ("monitors-negative", mutation("policy.monitors", -1), "log.policy.monitors"),
    ("monitors-bool", mutation("policy.monitors", True), "log.policy.monitors"),
]


@pytest.mark.parametrize(("case", "mutate", "key"), BROKEN, ids=[b[0] for b in BROKEN])
def test_every_log_error_names_the_exact_key(case: str, mutate: Any, key: str) -> None:
    data = _tripp_data()
    log = copy.deepcopy(data["log"])
    mutate(log)
    with pytest.raises(InvalidCorridor) as error:
        _with_log(log)
    assert error.value.key == key, error.value


def test_a_state_without_a_witness_cannot_be_required() -> None:
    log = {"witnesses": [_witness("am", "AM")], "policy": {"parties": ["AZ"]}}
    with pytest.raises(InvalidCorridor) as error:
        _with_log(log)
    assert error.value.key == "log.policy.parties[0]"


def _cosigned(*names: str, forged: str | None = None) -> bytes:
    note = sign_note(TEXT, [LOG, *(WITNESSES[n] for n in names)])
    if forged is not None:
        signer = WITNESSES[forged]
        note += Signature(signer.name, signer.key_id, bytes(72)).line().encode()
    return note


def test_the_status_of_a_checkpoint(tripp: Corridor) -> None:
    witnesses = [
        _witness("am", "AM"),
        _witness("az", "AZ"),
        _witness("m1", "monitor:one"),
    ]
    corridor = _with_log(
        {"witnesses": witnesses, "policy": {"parties": ["AM", "AZ"], "monitors": 1}}
    )
    status = policy_status(corridor.log, _cosigned("am", "m1", forged="az"), "TRIPP")
    assert status.size == 7 and status.cosigned_by == ("am", "m1")
    assert not status.met and status.missing == ("AZ",)
    assert policy_status(corridor.log, _cosigned("az", "am", "m1")).met
