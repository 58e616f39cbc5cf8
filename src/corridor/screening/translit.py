"""Transliteration of Armenian, Cyrillic and Azerbaijani Latin to plain ASCII Latin.

The tables follow the romanisations that passports and registries of the region use
(BGN/PCGN for Armenian and Russian, the Azerbaijani ASCII convention of ə→a, ş→sh,
ç→ch, ğ→gh, ı→i, x→kh, q→g, c→j), so that the Latin form of a Cyrillic or Armenian
name is the one a Latin register most likely holds. Where they still differ
(Hovhannisyan / Oganesyan), the phonetic key in `names.py` takes over.

Why our own tables and not ICU's Any-Latin: ICU gives ISO 9 / ISO 9985 forms with
diacritics (Оганесян → Oganesân) that no passport uses, the word-initial rules for
Armenian ե / ո and Russian е are convention-specific, and PyICU builds from source
against libicu here; three small tables are easier to review than a C++ dependency.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ARMENIAN = {
    "ա": "a", "բ": "b", "գ": "g", "դ": "d", "ե": "e", "զ": "z", "է": "e", "ը": "y",
    "թ": "t", "ժ": "zh", "ի": "i", "լ": "l", "խ": "kh", "ծ": "ts", "կ": "k", "հ": "h",
    "ձ": "dz", "ղ": "gh", "ճ": "ch", "մ": "m", "յ": "y", "ն": "n", "շ": "sh", "ո": "o",
    "չ": "ch", "պ": "p", "ջ": "j", "ռ": "r", "ս": "s", "վ": "v", "տ": "t", "ր": "r",
    "ց": "ts", "ւ": "v", "փ": "p", "ք": "k", "օ": "o", "ֆ": "f", "և": "ev",
}  # fmt: skip

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ў": "u", "ґ": "g",
    # Azerbaijani, Kazakh and other Cyrillic letters
    "ә": "a", "ғ": "gh", "ҹ": "j", "һ": "h", "ө": "o", "ү": "u", "ј": "y", "қ": "k",
    "ң": "n", "ұ": "u", "ҝ": "g",
}  # fmt: skip

# Letters that only Azerbaijani (or Turkish) Latin uses; their presence in a word
# switches c, x and q to Azerbaijani values.
_AZERBAIJANI_MARKERS = frozenset("əğışç")
_AZERBAIJANI = {"ə": "a", "ğ": "gh", "ı": "i", "ş": "sh", "ç": "ch", "ö": "o", "ü": "u"}
_AZERBAIJANI_IN_WORD = {"c": "j", "x": "kh", "q": "g"}
_LATIN_EXTRA = {"ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "þ": "th", "œ": "oe"}

_VOWELS = frozenset("aeiouy")
_CYRILLIC_IOTATED = {"е": "ye", "ё": "yo"}
_CYRILLIC_SOFT = frozenset("ъь")

# Words wholly in Cyrillic (most of them) go through one table; only е needs context.
_CYRILLIC_LETTERS = frozenset(_CYRILLIC)
_CYRILLIC_TABLE = str.maketrans(_CYRILLIC)
_AFTER_VOWEL_OR_SOFT = "".join(
    ch for ch, latin in _CYRILLIC.items() if ch in _CYRILLIC_SOFT or latin[:1] in _VOWELS
)
_IOTATED_E = re.compile(f"(?:^|(?<=[{_AFTER_VOWEL_OR_SOFT}]))е")


@lru_cache(maxsize=1 << 18)
def transliterate_word(word: str) -> str:
    """Return one casefolded word in lowercase ASCII Latin."""
    if word.isascii():
        return word
    if _CYRILLIC_LETTERS.issuperset(word):
        return _IOTATED_E.sub("ye", word).translate(_CYRILLIC_TABLE)
    if any(ch in _AZERBAIJANI_MARKERS for ch in word):
        word = "".join(_AZERBAIJANI_IN_WORD.get(ch, ch) for ch in word)
    out: list[str] = []
    previous = ""
    for index, ch in enumerate(word):
        out.append(_letter(word, index, ch, previous))
        previous = ch
    return _strip_marks("".join(out))


def _letter(word: str, index: int, ch: str, previous: str) -> str:
    if ch in _ARMENIAN:
        return _armenian_letter(word, index, ch)
    if ch in _CYRILLIC_IOTATED and (index == 0 or _is_vowel_or_soft(previous)):
        return _CYRILLIC_IOTATED[ch]
    if ch in _CYRILLIC:
        return _CYRILLIC[ch]
    return _AZERBAIJANI.get(ch) or _LATIN_EXTRA.get(ch, ch)


def _armenian_letter(word: str, index: int, ch: str) -> str:
    following = word[index + 1 : index + 2]
    if ch == "ո" and following == "ւ":
        return "u"
    if ch == "ւ" and index > 0 and word[index - 1] == "ո":
        return ""
    if index == 0 and ch == "ե":
        return "ye"
    if index == 0 and ch == "ո":
        return "vo"
    if index == 0 and ch == "և":
        return "yev"
    return _ARMENIAN[ch]


def _is_vowel_or_soft(ch: str) -> bool:
    latin = _CYRILLIC.get(ch, ch)
    return ch in _CYRILLIC_SOFT or (latin[:1] in _VOWELS)


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
