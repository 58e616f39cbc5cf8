"""C2SP signed-note: keys, signing, and strict opening."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.ledger.note import (
    ALG_COSIGNATURE_V1,
    ALG_ED25519,
    MAX_SIGNATURES,
    Ed25519Signer,
    Ed25519Verifier,
    InvalidSignatureError,
    KeyFormatError,
    MalformedNoteError,
    Signature,
    UnverifiedNoteError,
    ed25519_verifier,
    is_valid_key_name,
    key_id,
    open_note,
    parse_signer_key,
    parse_vkey,
    sign_note,
    split_note,
)

# From the documentation of golang.org/x/mod/sumdb/note, the reference implementation.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIG = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotp"
    "RZb6KE6RyyBwJnAM=\n"
)
# The example note of the C2SP signed-note specification, for its example vkey.
SPEC_NOTE = (
    "This is an example message.\n\n— example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)

ALICE = Ed25519Signer.generate("example.org/alice")
BOB = Ed25519Signer.generate("example.org/bob")


def test_spec_vkey_key_id(vectors: dict[str, Any]) -> None:
    vkey = vectors["signed_note_example"]["vkey"]
    parsed = parse_vkey(vkey)
    assert (parsed.name, parsed.key_type, parsed.key_id) == ("example.com/foo", 1, 0x530D903A)
    digest = hashlib.sha256(b"example.com/foo\n\x01" + parsed.public_key).digest()
    assert int.from_bytes(digest[:4], "big") == 0x530D903A
    assert str(parsed) == vkey == ed25519_verifier(vkey).vkey


def test_spec_example_note_verifies(vectors: dict[str, Any]) -> None:
    verifier = ed25519_verifier(vectors["signed_note_example"]["vkey"])
    note = open_note(SPEC_NOTE.encode(), [verifier])
    assert note.text == "This is an example message.\n"
    assert [s.name for s in note.verified] == ["example.com/foo"]


def test_go_reference_key_strings_and_signature() -> None:
    signer = Ed25519Signer.from_signer_key(GO_SKEY)
    assert signer.signer_key() == GO_SKEY
    assert signer.verifier().vkey == GO_VKEY
    assert sign_note(GO_TEXT, [signer]).decode() == GO_TEXT + "\n" + GO_SIG
    assert (
        open_note((GO_TEXT + "\n" + GO_SIG).encode(), [ed25519_verifier(GO_VKEY)]).text == GO_TEXT
    )


names = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x2FF, exclude_characters="+"),
    min_size=1,
    max_size=20,
).filter(is_valid_key_name)
texts = st.lists(
    st.text(st.characters(min_codepoint=0x20, exclude_categories=["Cs"]), max_size=30), max_size=5
).map(lambda lines: "".join(line + "\n" for line in lines) or "\n")


@settings(max_examples=50, deadline=None)
@given(names, texts)
def test_sign_then_open_round_trips(name: str, text: str) -> None:
    signer = Ed25519Signer.generate(name)
    assert parse_vkey(signer.verifier().vkey).public_key == signer.public_key
    assert parse_signer_key(signer.signer_key())[0] == name
    note = open_note(sign_note(text, [signer]), [signer.verifier()])
    assert note.text == text
    assert len(note.verified) == 1


@pytest.mark.parametrize(
    "vkey",
    [
        "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "example.com/fo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "example com+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2",
        "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k=",
        "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2l",
        "example.com/foo+530d903a+AQ==",
        "example.com/foo+530d903a+",
        "example.com/foo+530d903a",
        "example.com/foo",
        "",
    ],
)
def test_malformed_vkeys_are_rejected(vkey: str) -> None:
    with pytest.raises(KeyFormatError):
        ed25519_verifier(vkey)


def test_ed25519_verifier_wants_type_one_and_32_bytes() -> None:
    cosigner = parse_vkey(ALICE.verifier().vkey)
    wrong_type = str(type(cosigner)(cosigner.name, ALG_COSIGNATURE_V1, cosigner.public_key))
    with pytest.raises(KeyFormatError, match="not an Ed25519"):
        ed25519_verifier(wrong_type)
    short = str(type(cosigner)(cosigner.name, ALG_ED25519, cosigner.public_key[:31]))
    with pytest.raises(KeyFormatError):
        ed25519_verifier(short)


@pytest.mark.parametrize(
    "skey",
    [
        GO_SKEY.replace("c74f20a3", "c74f20a4"),
        GO_SKEY.replace("PRIVATE+KEY", "PRIVATE+KEYS"),
        GO_SKEY.replace("PeterNeumann", "Peter Neumann"),
        GO_SKEY[:-1],
        GO_SKEY.removeprefix("PRIVATE+"),
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AQ==",
    ],
)
def test_malformed_signer_keys_are_rejected(skey: str) -> None:
    with pytest.raises(KeyFormatError):
        Ed25519Signer.from_signer_key(skey)


def _line(signer: Ed25519Signer, text: str) -> str:
    return Signature(signer.name, signer.key_id, signer.sign(text.encode())).line()


TEXT = "corridor.example/log\n1\n" + base64.b64encode(bytes(32)).decode() + "\n"
GOOD = TEXT + "\n" + _line(ALICE, TEXT)


@pytest.mark.parametrize(
    "note",
    [
        GOOD[:-1],  # no final newline
        TEXT + _line(ALICE, TEXT),  # no blank line
        TEXT + "\n",  # no signature
        TEXT + "\n\n",
        GOOD.replace("— ", "- "),  # hyphen, not em dash
        GOOD.replace("— ", "– "),  # en dash
        GOOD.replace("— ", "—"),  # no space after the dash
        GOOD.replace("— ", " — "),
        TEXT + "\n— example.org/alice \n",  # empty signature
        TEXT + "\n— example.org/alice\n",
        TEXT + "\n— example.org/alice AAAA\n",  # fewer than 5 bytes
        TEXT + "\n— example.org/alice AAAAAAA\n",  # unpadded base64
        TEXT + "\n— example.org/alice AAAAAAB=\n",  # non-canonical base64
        TEXT + "\n— example.org/alice AAAA AAAA\n",
        TEXT + "\n— exa+mple AAAAAAA=\n",  # '+' in the key name
        GOOD.replace("corridor", "corr\tidor"),  # control character
        GOOD.replace("corridor", "corr\ridor"),
        GOOD + "\n",  # trailing blank line
        GOOD + "junk\n",
    ],
)
def test_malformed_notes_are_rejected(note: str) -> None:
    with pytest.raises(MalformedNoteError):
        open_note(note.encode(), [ALICE.verifier()])


def test_key_names_refuse_exactly_spaces_controls_del_and_plus() -> None:
    assert not is_valid_key_name("")
    for code in range(0x3100):  # every character str.isspace takes is below U+3100
        refused = chr(code) == "+" or chr(code).isspace() or code < 0x20 or code == 0x7F
        assert is_valid_key_name(f"a{chr(code)}b") is not refused, hex(code)


@pytest.mark.parametrize("char", ["\x00", "\x09", "\x0b", "\x1f", chr(0xD800), chr(0xDFFF)])
def test_note_text_refuses_control_characters_but_newline_and_surrogates(char: str) -> None:
    with pytest.raises(MalformedNoteError):
        sign_note(TEXT.replace("corridor", f"corr{char}idor"), [ALICE])
    with pytest.raises(MalformedNoteError):
        split_note(GOOD.replace("corridor", f"corr{char}idor").encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("char", ["\x7f", "\x20", "\u00e9", "\ue000", "\U0001f600"])
def test_note_text_takes_any_other_character(char: str) -> None:
    signed = sign_note(TEXT.replace("corridor", f"corr{char}idor"), [ALICE])
    assert open_note(signed, [ALICE.verifier()]).text == TEXT.replace("corridor", f"corr{char}idor")


def test_invalid_utf8_is_rejected() -> None:
    with pytest.raises(MalformedNoteError):
        open_note(GOOD.encode().replace(b"corridor", b"corr\xffidor"), [ALICE.verifier()])


def test_sixteen_signatures_are_accepted_and_more_than_the_limit_are_not() -> None:
    others = [Ed25519Signer.generate(f"w{i}.example") for i in range(15)]
    sixteen = sign_note(TEXT, [*others, ALICE])
    assert len(open_note(sixteen, [ALICE.verifier()]).unverified) == 15
    assert len(open_note(sixteen, [s.verifier() for s in [*others, ALICE]]).verified) == 16
    many = TEXT + "\n" + _line(ALICE, TEXT) * MAX_SIGNATURES
    assert len(open_note(many.encode(), [ALICE.verifier()]).verified) == 1
    with pytest.raises(MalformedNoteError, match="more than"):
        open_note((many + _line(ALICE, TEXT)).encode(), [ALICE.verifier()])


def test_unknown_keys_are_ignored_even_sharing_a_name_or_an_id() -> None:
    impostor = Ed25519Signer.generate(ALICE.name)  # same name, other key ID
    same_id = Signature("example.org/mallory", ALICE.key_id, bytes(64))
    note = sign_note(TEXT, [impostor, ALICE], existing=[same_id])
    opened = open_note(note, [ALICE.verifier()])
    assert [s.name for s in opened.verified] == [ALICE.name]
    assert {s.key_id for s in opened.unverified} == {impostor.key_id, ALICE.key_id}


def test_a_bad_signature_from_a_known_key_rejects_the_note() -> None:
    forged = Signature(ALICE.name, ALICE.key_id, BOB.sign(TEXT.encode()))
    note = sign_note(TEXT, [BOB], existing=[forged])
    with pytest.raises(InvalidSignatureError):
        open_note(note, [ALICE.verifier(), BOB.verifier()])


def test_a_note_without_a_known_signature_is_unverified() -> None:
    with pytest.raises(UnverifiedNoteError):
        open_note(GOOD.encode(), [BOB.verifier()])
    with pytest.raises(UnverifiedNoteError):
        open_note(GOOD.encode(), [])


def test_a_signature_over_other_text_fails() -> None:
    tampered = GOOD.replace("\n1\n", "\n2\n")
    with pytest.raises(InvalidSignatureError):
        open_note(tampered.encode(), [ALICE.verifier()])


def test_the_last_blank_line_separates_text_from_signatures() -> None:
    text = "a\n\nb\n\n"
    note = sign_note(text, [ALICE])
    assert split_note(note)[0] == text
    assert open_note(note, [ALICE.verifier()]).text == text


def test_signing_refuses_malformed_text() -> None:
    with pytest.raises(MalformedNoteError):
        sign_note("no newline", [ALICE])
    with pytest.raises(MalformedNoteError):
        sign_note("bell\a\n", [ALICE])
    with pytest.raises(MalformedNoteError):
        sign_note("lone surrogate \ud800\n", [ALICE])
    with pytest.raises(ValueError, match="at least one"):
        sign_note("text\n", [])


def test_key_ids_depend_on_name_type_and_key() -> None:
    key = ALICE.public_key
    ids = {key_id("a", 1, key), key_id("b", 1, key), key_id("a", 4, key), key_id("a", 1, bytes(32))}
    assert len(ids) == 4
    with pytest.raises(ValueError, match="share the name"):
        open_note(GOOD.encode(), [ALICE.verifier(), Ed25519Verifier(ALICE.name, ALICE.public_key)])
