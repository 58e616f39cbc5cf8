"""RFC 8785 canonical JSON, and log entries with a salted commitment."""

from __future__ import annotations

import hashlib
import json
import math
import struct
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.ledger.entry import (
    MAX_SAFE_INTEGER,
    SALT_SIZE,
    CanonicalJSONError,
    EntryError,
    build_entry,
    canonical_json,
    canonical_json_reference,
    commitment,
    format_number,
    loads_strict,
    parse_entry,
    verify_commitment,
)
from corridor.ledger.entry import _repr_is_ecmascript as repr_is_ecmascript
from corridor.ledger.tiles import MAX_ENTRY_SIZE

# RFC 8785 Appendix B: IEEE-754 bit patterns and their serialization.
APPENDIX_B = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize(("bits", "expected"), APPENDIX_B)
def test_rfc8785_appendix_b_numbers(bits: str, expected: str) -> None:
    (value,) = struct.unpack(">d", bytes.fromhex(bits))
    assert format_number(value) == expected
    assert canonical_json(value) == expected.encode()


@pytest.mark.parametrize("bits", ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"])
def test_nan_and_infinity_are_rejected(bits: str) -> None:
    (value,) = struct.unpack(">d", bytes.fromhex(bits))
    with pytest.raises(CanonicalJSONError):
        canonical_json([value])


# The cyberphone/json-canonicalization test data (RFC 8785 §3.2.2 and §3.2.3 examples).
VALUES_IN = (
    '{"numbers": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],'
    ' "escaping": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
    ' "literals": [null, true, false]}'
)
VALUES_OUT = (
    '{"escaping":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/","literals":[null,true,false],'
    '"numbers":[1e+30,4.5,333333333.3333333,0.002,1e-27]}'
)
WEIRD_IN = (
    '{"\\u20ac": "Euro Sign", "1": "One", "\\u0080": "Control\\u007f",'
    ' "\\ud83d\\ude02": "Smiley", "\\u00f6": "Latin Small Letter O With Diaeresis",'
    ' "\\ufb33": "Hebrew Letter Dalet With Dagesh", "</script>": "Browser Challenge"}'
)
WEIRD_OUT = (
    '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f",'
    '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\U0001f602":"Smiley",'
    '"\ufb33":"Hebrew Letter Dalet With Dagesh"}'
)
STRUCTURES_IN = (
    '{"1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0}, "10": { }, "": "empty", "a": { },'
    ' "111": [ { } ], "A": { }}'
)
STRUCTURES_OUT = '{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}'


@pytest.mark.parametrize(
    ("source", "expected"),
    [(VALUES_IN, VALUES_OUT), (WEIRD_IN, WEIRD_OUT), (STRUCTURES_IN, STRUCTURES_OUT)],
)
def test_reference_canonicalizations(source: str, expected: str) -> None:
    assert canonical_json(loads_strict(source.encode())) == expected.encode("utf-8")


def test_members_sort_by_utf16_code_units_not_code_points() -> None:
    # U+1F600 is D83D DE00 in UTF-16: before U+FB33, although its code point is larger.
    expected = '{"\U0001f600":2,"\ufb33":1}'.encode()
    assert canonical_json({"\ufb33": 1, "\U0001f600": 2}) == expected


def test_string_escapes() -> None:
    assert canonical_json('\x00\x1f\x7f/\b\t\n\f\r"\\é') == (
        b'"\\u0000\\u001f\x7f/\\b\\t\\n\\f\\r\\"\\\\\xc3\xa9"'
    )


@pytest.mark.parametrize(
    "value",
    [
        MAX_SAFE_INTEGER + 1,
        -MAX_SAFE_INTEGER - 1,
        2**64,
        {1: "non-string key"},
        {"set": {1}},
        b"bytes",
        "\ud800",
        math.nan,
        object(),
    ],
)
def test_unserializable_values_are_rejected(value: object) -> None:
    with pytest.raises(CanonicalJSONError):
        canonical_json(value)


def test_safe_integers_and_booleans() -> None:
    assert canonical_json([MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER, True, False, None, 0]) == (
        b"[9007199254740991,-9007199254740991,true,false,null,0]"
    )


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER),
    st.text(st.characters(max_codepoint=0xD7FF)),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.text(st.characters(max_codepoint=0xD7FF), max_size=5), inner, max_size=4
        ),
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(json_values)
def test_agrees_with_sorted_compact_json_where_they_coincide(value: Any) -> None:
    """Without floats and with keys below U+D800, code-point order is UTF-16 order."""
    reference = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_json(value) == reference.encode("utf-8")


class _Name(str):
    """A str subclass: the fast path leaves it to the reference."""


# Everything canonical_json may meet, the awkward parts on purpose: names and strings
# over all code points (lone surrogates, U+E000..U+FFFF beside supplementary planes,
# controls), every float (1.0, -0.0, 1e16, 5e-324, NaN, infinities), integers past
# 2**53, non-string keys, sets, str subclasses, tuples.
any_text = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=6)
awkward_text = st.text(
    st.sampled_from(["a", "\x00", "\x1f", "\x7f", '"', "\\", "\ud800", "\udfff", "\ue000",
                     "\uffff", "\U00010000", "\U0001f600", "\ufb33", "é", "\n"]),
    max_size=4,
)  # fmt: skip
any_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**60), 2**60),
    st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER),
    st.floats(),
    st.sampled_from([1.0, -0.0, 0.0, 1e16, 1e21, 1e-7, 5e-324, 0.1, 2.5]),
    any_text,
    awkward_text,
    awkward_text.map(_Name),
)
any_keys = st.one_of(any_text, awkward_text, awkward_text.map(_Name), st.integers(0, 3))
any_values = st.recursive(
    any_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(any_keys, inner, max_size=5),
        st.frozensets(st.integers(0, 3), max_size=2),
    ),
    max_leaves=16,
)


def _outcome(serialize: Any, value: object) -> bytes | str:
    try:
        result: bytes = serialize(value)
    except CanonicalJSONError:
        return "rejected"
    return result


@settings(max_examples=600, deadline=None)
@given(any_values)
def test_the_fast_path_equals_the_reference(value: Any) -> None:
    """The same bytes as the rule-by-rule reference, or rejected by both."""
    assert _outcome(canonical_json, value) == _outcome(canonical_json_reference, value)


@pytest.mark.parametrize(
    "value",
    [
        {"\ufb33": 1, "\U0001f600": 2, "a": [1.0, -0.0, 1e16, 0.5]},
        {"\u00e9": ["\U0001f600"], "z": {"\u00df": 2, "a": 1}},  # names not ASCII, below U+D800
        {"k": "\ud800"},
        {"\udc00": 1},
        {1: 2},
        [_Name("x"), 2**53, 1e400],
        {"a": {"b": [{"\ue000": 1, "\U00010000": 2}]}},
        [{"b": 1, "a": 2}, {"\ue000": [1.5, 0.0001]}],
        {"a": [{"b": {2: "x"}}], "c": 1},
        {"a": {"b": {_Name("k"): 1}}},
        [0.1, 1e-5, 123.25, 9007199254740993.0, -1.5e-7],
    ],
)
def test_the_fast_path_equals_the_reference_on_the_awkward_cases(value: Any) -> None:
    assert _outcome(canonical_json, value) == _outcome(canonical_json_reference, value)


FLOAT_EDGES = [0.0, -0.0, 1.0, -2.0, 0.5, 0.1, 1e-4, -1e-4, 9.999999999999999e-05,
               1e-5, 1e-7, 1e-6, 1e15 + 0.5, 1e16, 9999999999999998.0, 1e21, 1e22, 5e-324,
               1.7976931348623157e308, 123.456, 2.5]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.floats(), st.sampled_from(FLOAT_EDGES)))
def test_the_cheap_float_rule_is_repr_against_the_ecmascript_form(value: float) -> None:
    """The fast path's float test: repr writes the RFC 8785 form and no exponent."""
    plain = "e" not in repr(value)
    expected = math.isfinite(value) and plain and repr(value) == format_number(value)
    assert repr_is_ecmascript(value) is expected


@settings(max_examples=150, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_round_trip_and_are_canonical(value: float) -> None:
    text = format_number(value)
    assert float(text) == value
    assert format_number(float(text)) == text


def test_strict_loading() -> None:
    with pytest.raises(CanonicalJSONError, match="duplicate"):
        loads_strict(b'{"a":1,"a":2}')
    with pytest.raises(CanonicalJSONError):
        loads_strict(b"[NaN]")
    with pytest.raises(CanonicalJSONError):
        loads_strict(b"\xff")


PUBLIC = {"v": 1, "type": "movement.released", "mrn": "26AM000000000001X7", "office": "AM1"}
PAYLOAD = {"holder": "Example Freight LLC", "goods": [{"hs": "870323", "value": 1250000}]}


def test_an_entry_commits_to_its_confidential_payload() -> None:
    entry, salt = build_entry(PUBLIC, PAYLOAD)
    assert len(salt) == SALT_SIZE
    public = parse_entry(entry)
    assert public == {**PUBLIC, "commitment": commitment(salt, PAYLOAD).hex()}
    assert entry == canonical_json(public)
    verify_commitment(entry, PAYLOAD, salt)
    with pytest.raises(EntryError):
        verify_commitment(entry, {**PAYLOAD, "holder": "Someone Else"}, salt)
    with pytest.raises(EntryError):
        verify_commitment(entry, PAYLOAD, bytes(SALT_SIZE))


def test_salts_are_fresh_and_commitments_follow_the_definition() -> None:
    first, salt1 = build_entry(PUBLIC, PAYLOAD)
    second, salt2 = build_entry(PUBLIC, PAYLOAD)
    assert salt1 != salt2
    assert first != second
    assert commitment(salt1, PAYLOAD) == hashlib.sha256(salt1 + canonical_json(PAYLOAD)).digest()
    assert build_entry(PUBLIC, PAYLOAD, salt=salt1)[0] == first
    with pytest.raises(EntryError):
        commitment(b"short", PAYLOAD)


def test_entry_limits() -> None:
    with pytest.raises(EntryError, match="may not set"):
        build_entry({"commitment": "x"}, PAYLOAD)
    filler = "x" * (MAX_ENTRY_SIZE - 100)
    build_entry({"note": filler}, PAYLOAD)
    with pytest.raises(EntryError, match="at most"):
        build_entry({"note": filler + "x" * 100}, PAYLOAD)


@pytest.mark.parametrize(
    "entry",
    [
        b'{"commitment":"00", "v":1}',
        b'{"v":1,"commitment":"00"}',
        b'{"commitment":"00","v":1.0}',
        b'{"commitment":"00","v":1,"v":1}',
        b'{"commitment":1}',
        b'{"v":1}',
        b"[1]",
        b'{"commitment":"00","v":9007199254740993}',
        b"not json",
    ],
)
def test_non_canonical_entries_are_rejected(entry: bytes) -> None:
    with pytest.raises(EntryError):
        parse_entry(entry)
