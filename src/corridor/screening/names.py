"""Names across scripts: one analysed form per name, comparable token by token.

`analyse_name("ООО «Араз Логистик»")` gives the Latin tokens (`araz`, `logistik`), a
phonetic key per token (`aras`, `lokistik`), a weight per token (generic company words
and patronymics weigh less) and the legal forms found (`limited liability company`).

The phonetic key folds the differences that transcription between Armenian,
Azerbaijani, Russian and Latin produces: voiced and voiceless consonants (Gevorgyan /
Геворкян), h / г / х / kh / gh (Hasanov / Гасанов), the affricates ts / dz / ch
(Hambardzumyan / Амбарцумян), y and doubled letters (Aliyev / Алиев,
Məmmədov / Мамедов), and e / a (Azerbaijani ə).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

from corridor.screening.legal_forms import split_legal_forms
from corridor.screening.name_variants import is_business_word, symbol_of
from corridor.screening.translit import transliterate_word

# Azerbaijani "son of" / "daughter of" after the father's name, once transliterated.
PATRONYMIC_MARKERS = frozenset(
    {"oglu", "ogly", "ogli", "oghlu", "oghly", "qizi", "gizi", "kizi", "kyzy", "qyzy"}
)
_PATRONYMIC_SUFFIXES = ("ovich", "evich", "ovna", "evna", "ichna", "inichna")
GENERIC_ORG_WORDS = frozenset(
    {
        "trans", "trade", "trading", "logistics", "logistic", "logistik", "group", "grup",
        "holding", "holdings", "international", "intl", "service", "services", "servis",
        "company", "co", "industries", "industry", "invest", "investment", "investments",
        "export", "import", "global", "general", "construction", "engineering",
        "technologies", "technology", "tech", "systems", "energy", "oil", "gas", "metal",
        "auto", "motors", "cargo", "transport", "shipping", "line", "lines", "commerce",
        "development", "partners", "solutions", "electronics", "supply", "plus", "pro",
        "center", "centre", "tsentr", "the", "and", "of", "stroy", "torg", "impex",
        "eksport", "elektronik", "elektronika", "tekhnologii", "sistems",
    }
)  # fmt: skip
GENERIC_WEIGHT = 0.35
PATRONYMIC_WEIGHT = 0.35
INITIAL_WEIGHT = 0.3


class TokenKind(IntEnum):
    """What one token of a name is: it sets the token's weight and what it may pair with."""

    NAME = 0  # a given name, a surname, the distinctive word of a company name
    PATRONYMIC = 1  # a father's name: before oğlu / qızı, or Russian -ovich / -ovna
    INITIAL = 2  # a single letter
    GENERIC = 3  # a generic company word: Trade, Logistics, Транс, Էներջի


KIND_WEIGHTS = {
    TokenKind.NAME: 1.0,
    TokenKind.PATRONYMIC: PATRONYMIC_WEIGHT,
    TokenKind.INITIAL: INITIAL_WEIGHT,
    TokenKind.GENERIC: GENERIC_WEIGHT,
}

_DROPPED = re.compile(r"[.'’ʼ`´\u055a\u055b\u055c\u055e]")
_SEPARATORS = re.compile(r"[^\w]+|_")
_KEY_DIGRAPHS = re.compile(r"shch|sch|dzh|tch|zh|kh|gh|ch|ts|tz|dz|sh|ph|th|ck|dj")
_KEY_LETTERS = {
    "shch": "S", "sch": "S", "sh": "S", "dzh": "J", "dj": "J", "zh": "J", "j": "J",
    "tch": "C", "ch": "C", "ts": "C", "tz": "C", "dz": "C", "kh": "k", "gh": "k",
    "ph": "f", "th": "t", "ck": "k", "x": "ks", "q": "k", "g": "k", "c": "k", "w": "f",
    "b": "p", "d": "t", "z": "s", "v": "f", "h": "", "y": "", "e": "a",
}  # fmt: skip
# Digraphs are replaced first (leftmost, longest listed first), then single letters.
_KEY_SINGLE_LETTERS = str.maketrans({k: v for k, v in _KEY_LETTERS.items() if len(k) == 1})
# The letters repeating the one before them (deleted: "(.)\1+" -> "\1" without a
# template, whose expansion runs in Python for every match).
_REPEATS = re.compile(r"(?<=(.))\1+")


@dataclass(frozen=True)
class NameForm:
    """A name analysed for matching."""

    original: str
    tokens: tuple[str, ...]
    keys: tuple[str, ...]
    weights: tuple[float, ...]
    legal_forms: tuple[str, ...]
    symbols: tuple[str | None, ...] = ()
    kinds: tuple[TokenKind, ...] = ()

    @property
    def latin(self) -> str:
        return " ".join(self.tokens)


def analyse_name(text: str) -> NameForm:
    """Normalise, split, drop legal forms, transliterate, key and weigh one name."""
    words = name_words(text)
    facts = [token_facts(t) for t in words.tokens]
    keys = tuple(key for key, _, _ in facts)
    symbols = tuple(symbol for _, symbol, _ in facts)
    kinds = tuple(
        TokenKind.PATRONYMIC if father else kind
        for (_, _, kind), father in zip(facts, words.fathers, strict=True)
    )
    weights = tuple(KIND_WEIGHTS[k] for k in kinds)
    return NameForm(text, words.tokens, keys, weights, words.legal_forms, symbols, kinds)


@dataclass(frozen=True)
class NameWords:
    """The Latin tokens of a name, which of them are fathers' names, its legal forms."""

    tokens: tuple[str, ...]
    fathers: tuple[bool, ...]
    legal_forms: tuple[str, ...]


def name_words(text: str) -> NameWords:
    """Normalise, split, drop legal forms and patronymic markers, transliterate."""
    words = split_words(text)
    words, legal_forms = split_legal_forms(words)
    latin = [transliterate_word(w) for w in words]
    latin, more_forms = split_legal_forms([w for w in latin if w])
    patronymics = _patronymic_positions(latin)
    kept = [p for p, t in enumerate(latin) if t not in PATRONYMIC_MARKERS]
    return NameWords(
        tuple(latin[p] for p in kept),
        tuple(p in patronymics for p in kept),
        tuple(dict.fromkeys([*legal_forms, *more_forms])),
    )


@lru_cache(maxsize=1 << 18)
def token_facts(token: str) -> tuple[str, str | None, TokenKind]:
    """A token's phonetic key, name family and kind (unless it is a father's name)."""
    key = phonetic_key(token)
    symbol = symbol_of(key)
    return key, symbol, token_kind(token, symbol, patronymic=False)


def split_words(text: str) -> list[str]:
    """Casefold, decompose compatibility forms, drop dots and apostrophes, split."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = _DROPPED.sub("", folded)
    return [w for w in _SEPARATORS.split(folded) if w]


@lru_cache(maxsize=1 << 18)
def phonetic_key(token: str) -> str:
    """Fold a Latin token to its transcription-independent key."""
    folded = _KEY_DIGRAPHS.sub(_digraph_letter, token).translate(_KEY_SINGLE_LETTERS)
    key = _REPEATS.sub("", folded)
    return key[:-3] + "an" if key.endswith("ian") else key


def has_german_reading(token: str) -> bool:
    return "j" in token or "w" in token


@lru_cache(maxsize=1 << 14)
def german_key(token: str) -> str:
    """The key of a token read as a German or ISO 9 romanisation of Russian.

    There j is й (Worobjowa, Julija, Nikolaj), and in German z is ц (Kudrjawzew); w is
    в already in every key. Compared besides the plain key, never instead of it.
    """
    if "w" in token:
        token = token.replace("z", "ts")
    return phonetic_key(token.replace("j", "y"))


def _digraph_letter(match: re.Match[str]) -> str:
    return _KEY_LETTERS[match.group()]


def _patronymic_positions(latin: list[str]) -> set[int]:
    """Positions of patronymics: before an Azerbaijani marker, or Russian -ovich/-ovna."""
    found = {i for i, t in enumerate(latin) if len(t) > 5 and t.endswith(_PATRONYMIC_SUFFIXES)}
    for index, token in enumerate(latin):
        if index > 0 and token in PATRONYMIC_MARKERS:
            found.add(index - 1)
    return found


def token_kind(token: str, symbol: str | None, patronymic: bool) -> TokenKind:
    if patronymic:
        return TokenKind.PATRONYMIC
    if len(token) == 1:
        return TokenKind.INITIAL
    if token in GENERIC_ORG_WORDS or is_business_word(symbol):
        return TokenKind.GENERIC
    return TokenKind.NAME
