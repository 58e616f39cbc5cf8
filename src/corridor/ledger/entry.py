"""Log entries: RFC 8785 canonical JSON of an event's public part plus a commitment.

The entry is ``canonical_json(public | {"commitment": hex})`` where the commitment is
SHA-256(salt || canonical_json(confidential payload)) with a fresh 32-byte salt. Parties
holding the payload and the salt recompute it; monitors see only the public part.

RFC 8785 (JCS) is implemented here in full for JSON values built from dict (string
keys), list/tuple, str, bool, None, int and float:

* object members sorted by the UTF-16 code units of their names; no whitespace;
* strings escaped with the short forms \\b \\t \\n \\f \\r \\" \\\\, other control
  characters as \\u00xx, everything else literal UTF-8; lone surrogates are rejected;
* floats formatted as ECMAScript Number.prototype.toString (shortest round-trip digits,
  exponent outside 1e-7..1e21); NaN and infinities are rejected;
* integers must be exactly representable as IEEE-754 doubles: |n| <= 2**53 - 1. Larger
  integers are rejected rather than silently rounded (amounts are minor units).

``canonical_json`` takes a fast path through the C JSON encoder when that provably
gives the same bytes, and the character-by-character reference ``canonical_json_reference``
otherwise. ``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)``
escapes exactly RFC 8785's set (the short forms, other C0 controls as lowercase
``\\u00xx``, everything else literal) and writes ints, booleans and null alike. It
differs in four places, which one walk over the value checks first:

* key order: Python sorts by code point, RFC 8785 by UTF-16 code unit; the two orders
  agree on names below U+D800, so a name with a code point from U+D800 up takes the
  reference path;
* numbers: a float whose ``repr`` is not its ECMAScript form (``1.0``, ``1e+16``, ``-0.0``)
  takes the reference path, as does any int beyond 2**53 - 1 (to be rejected there);
* types: only exact dict, list, tuple, str, int, bool, None and float take the fast
  path (json.dumps would quietly turn non-string keys into strings);
* lone surrogates: the encoder copies them; encoding the result as UTF-8 rejects them.
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from corridor.ledger.tiles import MAX_ENTRY_SIZE

SALT_SIZE = 32
MAX_SAFE_INTEGER = (1 << 53) - 1
COMMITMENT_FIELD = "commitment"
_SHORT_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


class CanonicalJSONError(ValueError):
    """A value that RFC 8785 cannot serialize (or that we refuse to round)."""


class EntryError(ValueError):
    """An entry that is too large, malformed, or whose commitment does not match."""


# --- RFC 8785 -----------------------------------------------------------------------


def canonical_json(value: object) -> bytes:
    """The RFC 8785 canonical UTF-8 serialization of ``value``."""
    if not _encoder_agrees(value):
        return canonical_json_reference(value)
    try:
        return _ENCODER.encode(value).encode("utf-8")
    except UnicodeEncodeError:
        raise CanonicalJSONError("strings may not hold lone surrogates") from None


def canonical_json_reference(value: object) -> bytes:
    """RFC 8785 written out rule by rule: the reference the fast path is tested against."""
    return _serialize(value).encode("utf-8")


_ENCODER = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":"),
    check_circular=False,  # a value that holds itself never passes _encoder_agrees's walk
)  # fmt: skip
_FIRST_SURROGATE = "\ud800"
_ONLY_STR = {str}


def _encoder_agrees(value: object) -> bool:
    """Whether json.dumps writes ``value`` exactly as RFC 8785 does (see the module).

    One walk, the commonest kinds tested first, with no call per node but for a float;
    the member names of every object are checked together at the end (exact ``str``,
    all below U+D800) in two C-level passes rather than per object.
    """
    pending: list[Any] = [value]
    names: list[Any] = []
    pop, extend, add_names = pending.pop, pending.extend, names.extend
    while pending:
        item = pop()
        kind = type(item)
        if kind is str:
            continue
        if kind is dict:
            add_names(item)
            extend(item.values())
        elif kind is list or kind is tuple:
            extend(item)
        elif kind is int:
            if not -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
                return False
        elif kind is float:
            if not _repr_is_ecmascript(item):
                return False
        elif kind is not bool and item is not None:
            return False
    if not set(map(type, names)) <= _ONLY_STR:
        return False
    joined = "".join(names)  # all ASCII (the flag CPython keeps): no scan of each character
    return joined.isascii() or max(joined) < _FIRST_SURROGATE


def _repr_is_ecmascript(number: float) -> bool:
    """Whether ``repr(number)`` is its ECMAScript form (``format_number``), for the
    floats ``repr`` writes without an exponent; any other float takes the reference.

    Both write the same shortest round-trip digits and differ only in layout: ``repr``
    writes an integral value with ``.0`` (ECMAScript as an integer, ``-0.0`` as ``0``),
    and uses an exponent below 1e-4 and from 1e16 where ECMAScript does only below 1e-6
    and from 1e21, spelt otherwise below 1e-9 (``1e-07`` against ``1e-7``). A finite
    float written with neither is plain digits with a fraction, alike in both. (Floats
    written with an exponent that happen to agree, ``1e+21`` or ``5e-324``, are left
    to the reference too: rare in a declaration, and the rule stays one line.)
    """
    text = repr(number)
    return "e" not in text and not text.endswith(".0") and math.isfinite(number)


def _serialize(value: object) -> str:
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        return _serialize_int(value)
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, str):
        return _serialize_string(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(_serialize(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return _serialize_object(value)
    raise CanonicalJSONError(f"cannot serialize {type(value).__name__} as JSON")


def _serialize_int(value: int) -> str:
    if abs(value) > MAX_SAFE_INTEGER:
        raise CanonicalJSONError(f"integer {value} is not exactly representable in JSON")
    return str(value)


def _serialize_object(value: Mapping[Any, Any]) -> str:
    if any(not isinstance(k, str) for k in value):
        raise CanonicalJSONError("object member names must be strings")
    names = sorted(value, key=_utf16_units)
    return "{" + ",".join(_serialize_string(k) + ":" + _serialize(value[k]) for k in names) + "}"


def _utf16_units(name: str) -> bytes:
    return name.encode("utf-16-be", errors="surrogatepass")


def _serialize_string(value: str) -> str:
    out = ['"']
    for c in value:
        if c in ('"', "\\"):
            out.append("\\" + c)
        elif c in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[c])
        elif ord(c) < 0x20:
            out.append(f"\\u{ord(c):04x}")
        elif 0xD800 <= ord(c) <= 0xDFFF:
            raise CanonicalJSONError("strings may not hold lone surrogates")
        else:
            out.append(c)
    return "".join(out) + '"'


def format_number(value: float) -> str:
    """ECMAScript Number::toString for a finite double (RFC 8785 §3.2.2.3)."""
    if not math.isfinite(value):
        raise CanonicalJSONError("NaN and infinities are not JSON")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    digits, exponent = _shortest_digits(abs(value))
    return sign + _place_point(digits, exponent)


def _shortest_digits(value: float) -> tuple[str, int]:
    """(digits, n) with value = 0.digits * 10**n, digits the shortest that round-trip.

    Python's float repr is the shortest correctly rounded round-trip form, which is
    what ECMAScript requires too.
    """
    _, digit_tuple, exponent = Decimal(repr(value)).as_tuple()
    if not isinstance(exponent, int):
        raise CanonicalJSONError(f"not a finite number: {value!r}")
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    return digits.rstrip("0"), len(digits) + exponent


def _place_point(digits: str, n: int) -> str:
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    exponent = f"e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"
    return (digits[0] + ("." + digits[1:] if k > 1 else "")) + exponent


def loads_strict(data: bytes) -> Any:
    """Parse JSON, rejecting duplicate member names, NaN and Infinity."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        if len({k for k, _ in pairs}) != len(pairs):
            raise CanonicalJSONError("duplicate member name")
        return dict(pairs)

    def no_constants(name: str) -> None:
        raise CanonicalJSONError(f"{name} is not JSON")

    try:
        return json.loads(data, object_pairs_hook=no_duplicates, parse_constant=no_constants)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CanonicalJSONError(str(exc)) from exc


# --- Entries ------------------------------------------------------------------------


def commitment(salt: bytes, confidential: Mapping[str, Any]) -> bytes:
    """SHA-256(salt || canonical JSON of the confidential payload)."""
    if len(salt) != SALT_SIZE:
        raise EntryError(f"the salt is {SALT_SIZE} bytes")
    return hashlib.sha256(salt + canonical_json(confidential)).digest()


def build_entry(
    public: Mapping[str, Any], confidential: Mapping[str, Any], salt: bytes | None = None
) -> tuple[bytes, bytes]:
    """(entry bytes, salt) for one event; a fresh random salt unless one is given."""
    if COMMITMENT_FIELD in public:
        raise EntryError(f"the public part may not set {COMMITMENT_FIELD!r} itself")
    salt = secrets.token_bytes(SALT_SIZE) if salt is None else salt
    body = {**public, COMMITMENT_FIELD: commitment(salt, confidential).hex()}
    entry = canonical_json(body)
    if len(entry) > MAX_ENTRY_SIZE:
        raise EntryError(f"entry is {len(entry)} bytes, at most {MAX_ENTRY_SIZE}")
    return entry, salt


def parse_entry(entry: bytes) -> dict[str, Any]:
    """The public part of an entry; the bytes must be canonical JSON of an object."""
    try:
        value = loads_strict(entry)
        canonical = isinstance(value, dict) and canonical_json(value) == entry
    except CanonicalJSONError as exc:
        raise EntryError(f"an entry is canonical JSON: {exc}") from exc
    if not canonical or not isinstance(value, dict):
        raise EntryError("an entry is the canonical JSON of an object")
    if not isinstance(value.get(COMMITMENT_FIELD), str):
        raise EntryError(f"an entry carries a {COMMITMENT_FIELD!r} string")
    return value


def verify_commitment(entry: bytes, confidential: Mapping[str, Any], salt: bytes) -> None:
    """Raise EntryError unless ``confidential`` and ``salt`` match the entry's commitment."""
    expected = parse_entry(entry)[COMMITMENT_FIELD]
    if commitment(salt, confidential).hex() != expected:
        raise EntryError("the payload and salt do not match the entry's commitment")
