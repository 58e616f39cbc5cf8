"""Legal forms of companies in the corridor's languages, mapped to a few kinds.

A name is compared without its legal form (`Araz MMC` and `ООО «Араз»` are both
`araz`), and the kinds are compared apart: the same kind agrees, a different kind is
a weak sign against. Phrases are matched on casefolded words with dots removed, in
the original script and after transliteration.
"""

from __future__ import annotations

LLC = "limited liability company"
JSC = "joint-stock company"
CJSC = "closed joint-stock company"
OJSC = "open or public joint-stock company"
SOLE = "individual entrepreneur"
STATE = "state enterprise"
FREE_ZONE = "free-zone establishment"
PARTNERSHIP = "partnership"

_PHRASES: dict[str, tuple[str, ...]] = {
    LLC: (
        "llc", "ltd", "limited", "limited liability company", "co ltd", "gmbh", "sarl",
        "srl", "ооо", "ooo", "общество с ограниченной ответственностью", "тов", "tov",
        "mmc", "məhdud məsuliyyətli cəmiyyət", "məhdud məsuliyyətli cəmiyyəti",
        "mehdud mesuliyyetli cemiyyet", "սպը", "spy", "spe",
        "սահմանափակ պատասխանատվությամբ ընկերություն", "ltd şti", "ltd sti", "шпс",
        "fz llc", "fzllc", "llp",
    ),
    JSC: (
        "jsc", "ao", "ао", "акционерное общество", "sc", "səhmdar cəmiyyəti", "as", "aş",
        "ag", "sa", "plc", "inc", "incorporated", "corp", "corporation", "բը",
    ),
    CJSC: (
        "cjsc", "zao", "зао", "закрытое акционерное общество", "qsc", "qapalı səhmdar cəmiyyəti",
        "փբը", "pby", "pbe", "փակ բաժնետիրական ընկերություն", "nao", "нао",
    ),
    OJSC: (
        "ojsc", "pjsc", "oao", "оао", "pao", "пао", "открытое акционерное общество",
        "публичное акционерное общество", "asc", "açıq səhmdar cəmiyyəti", "բբը", "bby", "bbe",
        "բաց բաժնետիրական ընկերություն",
    ),
    SOLE: (
        "ip", "ип", "индивидуальный предприниматель", "individual entrepreneur", "աձ",
        "fərdi sahibkar",
    ),
    STATE: (
        "gup", "гуп", "fgup", "фгуп", "mup", "муп", "state enterprise", "state company",
        "dövlət müəssisəsi", "պետական ոչ առևտրային կազմակերպություն", "պոակ",
    ),
    FREE_ZONE: ("fze", "fzco", "fzc", "fz co"),
    PARTNERSHIP: ("lp", "gp", "тоо", "too", "kg", "ohg"),
}  # fmt: skip


def _by_first_word() -> dict[str, tuple[tuple[tuple[str, ...], str], ...]]:
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for kind, phrases in _PHRASES.items():
        for phrase in phrases:
            words = tuple(phrase.split())
            index.setdefault(words[0], []).append((words, kind))
    return {w: tuple(sorted(es, key=lambda e: -len(e[0]))) for w, es in index.items()}


_PHRASES_BY_FIRST_WORD = _by_first_word()


def split_legal_forms(words: list[str]) -> tuple[list[str], list[str]]:
    """Remove legal-form phrases from casefolded `words`; return (rest, kinds found).

    A one-word form counts only when the name keeps another word, so that a company
    called plainly "AS" or "Limited" keeps its name.
    """
    rest: list[str] = []
    kinds: list[str] = []
    index = 0
    while index < len(words):
        found = _phrase_at(words, index)
        if found is None or (found[0] == 1 and len(words) == 1):
            rest.append(words[index])
            index += 1
            continue
        index += found[0]
        if found[1] not in kinds:
            kinds.append(found[1])
    return rest, kinds


def _phrase_at(words: list[str], index: int) -> tuple[int, str] | None:
    for phrase, kind in _PHRASES_BY_FIRST_WORD.get(words[index], ()):
        if tuple(words[index : index + len(phrase)]) == phrase:
            return len(phrase), kind
    return None
