"""C2SP tlog-checkpoint: strict parsing and formatting."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.ledger.checkpoint import (
    Checkpoint,
    CheckpointError,
    format_checkpoint,
    open_checkpoint,
    parse_checkpoint,
)
from corridor.ledger.note import Ed25519Signer, is_valid_key_name, sign_note

ROOT = base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
SPEC = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
B64_ROOT = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="


def test_the_spec_example() -> None:
    checkpoint = parse_checkpoint(SPEC)
    assert checkpoint == Checkpoint("example.com/behind-the-sofa", 20852163, ROOT)
    assert format_checkpoint(checkpoint) == SPEC


@settings(max_examples=100, deadline=None)
@given(
    st.text(min_size=1, max_size=30).filter(is_valid_key_name),
    st.integers(0, 2**63 - 1),
    st.binary(min_size=32, max_size=32),
    st.lists(st.text(st.characters(min_codepoint=0x20), min_size=1, max_size=10), max_size=3),
)
def test_round_trip(origin: str, size: int, root: bytes, extensions: list[str]) -> None:
    checkpoint = Checkpoint(origin, size, root, tuple(extensions))
    assert parse_checkpoint(format_checkpoint(checkpoint)) == checkpoint


@pytest.mark.parametrize(
    "text",
    [
        SPEC[:-1],
        "example.com/log\n5\n",
        f"\n5\n{B64_ROOT}\n",
        f"example.com/log\n05\n{B64_ROOT}\n",
        f"example.com/log\n00\n{B64_ROOT}\n",
        f"example.com/log\n+5\n{B64_ROOT}\n",
        f"example.com/log\n-5\n{B64_ROOT}\n",
        f"example.com/log\n 5\n{B64_ROOT}\n",
        f"example.com/log\n5 \n{B64_ROOT}\n",
        f"example.com/log\n1_000\n{B64_ROOT}\n",
        f"example.com/log\n٣\n{B64_ROOT}\n",
        f"example.com/log\n0x10\n{B64_ROOT}\n",
        f"example.com/log\n{2**63}\n{B64_ROOT}\n",
        f"example.com/log\n{'9' * 40}\n{B64_ROOT}\n",
        f"example.com/log\n\n{B64_ROOT}\n",
        "example.com/log\n5\n" + base64.b64encode(bytes(31)).decode() + "\n",
        "example.com/log\n5\n" + base64.b64encode(bytes(33)).decode() + "\n",
        "example.com/log\n5\n" + B64_ROOT.rstrip("=") + "\n",
        "example.com/log\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n",
        "example.com/log\n5\n" + base64.urlsafe_b64encode(bytes([251]) * 32).decode() + "\n",
        f"example.com/log\n5\n {B64_ROOT}\n",
        f"example.com/log\n5\n{B64_ROOT}\n\n",
        f"example.com/log\n5\n{B64_ROOT}\nextension\n\n",
        f"example.com/log\r\n5\r\n{B64_ROOT}\r\n",
        f"exam\x01ple.com/log\n5\n{B64_ROOT}\n",
        "",
        "\n",
    ],
)
def test_off_spec_checkpoints_are_rejected(text: str) -> None:
    with pytest.raises(CheckpointError):
        parse_checkpoint(text)


def test_extension_lines_are_kept_and_zero_is_a_size() -> None:
    checkpoint = parse_checkpoint(f"example.com/log\n0\n{B64_ROOT}\nfirst\nsecond ext\n")
    assert checkpoint.size == 0
    assert checkpoint.extensions == ("first", "second ext")


def test_origins_with_spaces_are_read_but_never_written() -> None:
    odd = parse_checkpoint(f"example.com log\n5\n{B64_ROOT}\n")
    assert odd.origin == "example.com log"
    for origin in ("example.com log", "a+b", ""):
        with pytest.raises(CheckpointError):
            format_checkpoint(Checkpoint(origin, 5, ROOT))
    with pytest.raises(CheckpointError):
        format_checkpoint(Checkpoint("example.com/log", -1, ROOT))
    with pytest.raises(CheckpointError):
        format_checkpoint(Checkpoint("example.com/log", 1, ROOT[:31]))
    with pytest.raises(CheckpointError):
        format_checkpoint(Checkpoint("example.com/log", 1, ROOT, ("a\nb",)))


def test_open_checkpoint_checks_the_signature() -> None:
    signer = Ed25519Signer.generate("example.com/behind-the-sofa")
    signed = sign_note(SPEC, [signer])
    assert open_checkpoint(signed, [signer.verifier()]).size == 20852163
    other = Ed25519Signer.generate("example.com/behind-the-sofa")
    with pytest.raises(ValueError, match="no signature from a known key"):
        open_checkpoint(signed, [other.verifier()])
