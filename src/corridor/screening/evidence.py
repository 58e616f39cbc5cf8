"""Evidence beside the name: identifiers, birth date, country, schema, legal form.

Each function returns the reasons it finds; an empty list means nothing to say (one
side does not know). The effects are summed onto the name agreement by `matcher.py`.
"""

from __future__ import annotations

from corridor.screening.entity import Identifier, WatchEntity
from corridor.screening.scoring import Query, Reason

IDENTIFIER_AGREES = 0.30
IDENTIFIER_CONFLICTS = -0.30
BIRTH_DATE_AGREES = 0.10
BIRTH_YEAR_AGREES = 0.05
BIRTH_DATE_NEAR = -0.15
BIRTH_DATE_CONFLICTS = -0.35
COUNTRY_AGREES = 0.03
COUNTRY_CONFLICTS = -0.08
SCHEMA_CONFLICTS = -0.50
LEGAL_FORM_AGREES = 0.02
LEGAL_FORM_CONFLICTS = -0.05

_COMPATIBLE = {
    "Person": frozenset({"Person", "LegalEntity"}),
    "Company": frozenset({"Company", "Organization", "LegalEntity"}),
    "Organization": frozenset({"Company", "Organization", "LegalEntity"}),
    "LegalEntity": frozenset({"Person", "Company", "Organization", "LegalEntity"}),
    "Vehicle": frozenset({"Vehicle"}),
}


def all_evidence(query: Query, entity: WatchEntity, listed_forms: tuple[str, ...]) -> list[Reason]:
    """Every reason beside the name; `listed_forms` are the legal forms of the listed name."""
    return [
        *identifier_evidence(query.identifiers, entity.identifiers),
        *birth_date_evidence(query.birth_date, entity.birth_dates),
        *country_evidence(query.countries, entity.countries),
        *schema_evidence(query.schema, entity.schema),
        *legal_form_evidence(query.name.legal_forms, listed_forms),
    ]


def needs_entity(query: Query) -> bool:
    """Whether `all_evidence` can say anything about this query beyond legal forms."""
    return bool(query.identifiers or query.birth_date or query.countries or query.schema)


def most_gain(query: Query) -> float:
    """The most the evidence beside the name can add to this query's score."""
    gain = IDENTIFIER_AGREES if query.identifiers else 0.0
    gain += BIRTH_DATE_AGREES if query.birth_date else 0.0
    gain += COUNTRY_AGREES if query.countries else 0.0
    return gain + (LEGAL_FORM_AGREES if query.name.legal_forms else 0.0)


def identifier_evidence(
    ours: tuple[Identifier, ...], theirs: tuple[Identifier, ...]
) -> list[Reason]:
    """One shared number agrees; numbers of one scheme that all differ conflict."""
    listed = {i.value: i for i in theirs}
    for identifier in ours:
        if identifier.value in listed:
            text = f"identifier {identifier.raw or identifier.value} is on the list entry"
            return [Reason("identifier", IDENTIFIER_AGREES, text)]
    for mine in ours:
        for other in theirs:
            if mine.comparable(other):
                text = f"identifier {mine.raw or mine.value} differs from listed {other.raw}"
                return [Reason("identifier", IDENTIFIER_CONFLICTS, text)]
    return []


def birth_date_evidence(ours: str | None, theirs: tuple[str, ...]) -> list[Reason]:
    if not ours or not theirs:
        return []
    ours = ours.strip()
    best = max(theirs, key=lambda listed: _date_effect(ours, listed))
    effect = _date_effect(ours, best)
    verdict = "agrees with" if effect > 0 else "differs from"
    return [Reason("birth_date", effect, f"birth date {ours} {verdict} listed {best}")]


def _date_effect(ours: str, listed: str) -> float:
    shortest = min(len(ours), len(listed), 10)
    if ours[:shortest] == listed[:shortest]:
        return BIRTH_DATE_AGREES if shortest >= 10 else BIRTH_YEAR_AGREES
    years = _year(ours), _year(listed)
    if None in years:
        return 0.0
    gap = abs((years[0] or 0) - (years[1] or 0))
    if gap == 0 and _day_month_swapped(ours, listed):
        return 0.0
    return BIRTH_DATE_NEAR if gap <= 1 else BIRTH_DATE_CONFLICTS


def _year(text: str) -> int | None:
    return int(text[:4]) if text[:4].isdigit() else None


def _day_month_swapped(ours: str, listed: str) -> bool:
    if len(ours) < 10 or len(listed) < 10:
        return False
    return ours[5:7] == listed[8:10] and ours[8:10] == listed[5:7]


def country_evidence(ours: tuple[str, ...], theirs: tuple[str, ...]) -> list[Reason]:
    if not ours or not theirs:
        return []
    shared = sorted(set(ours) & set(theirs))
    if shared:
        return [Reason("country", COUNTRY_AGREES, f"country {', '.join(shared)} agrees")]
    text = f"country {', '.join(ours)} differs from listed {', '.join(theirs)}"
    return [Reason("country", COUNTRY_CONFLICTS, text)]


def schema_evidence(ours: str | None, theirs: str) -> list[Reason]:
    if not ours or theirs in _COMPATIBLE.get(ours, frozenset({ours})):
        return []
    return [Reason("schema", SCHEMA_CONFLICTS, f"a {ours} screened, the list holds a {theirs}")]


def legal_form_evidence(ours: tuple[str, ...], theirs: tuple[str, ...]) -> list[Reason]:
    if not ours or not theirs:
        return []
    shared = sorted(set(ours) & set(theirs))
    if shared:
        return [Reason("legal_form", LEGAL_FORM_AGREES, f"legal form agrees: {shared[0]}")]
    text = f"legal form {ours[0]} differs from listed {theirs[0]}"
    return [Reason("legal_form", LEGAL_FORM_CONFLICTS, text)]
