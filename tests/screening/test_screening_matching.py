from __future__ import annotations

import pytest

from corridor.screening.entity import WatchEntity, parse_identifier
from corridor.screening.index import NameIndex
from corridor.screening.lists import ListSnapshot
from corridor.screening.matcher import Match, screen
from corridor.screening.names import analyse_name
from corridor.screening.scoring import Query


def _query(name: str, **kwargs: object) -> Query:
    return Query(analyse_name(name), **kwargs)  # type: ignore[arg-type]


def _best(snapshot: ListSnapshot, query: Query) -> Match:
    matches = screen(snapshot.index, query)
    assert matches, f"no match for {query.name.original}"
    return matches[0]


@pytest.mark.parametrize(
    ("name", "entity_id"),
    [
        ("Оганесян Армен", "fict-p-hovhannisyan"),
        ("Armen Hovhannisyan", "fict-p-hovhannisyan"),
        ("Mamedov Elnur", "fict-p-mammadov"),
        ("Elnur Məmmədov", "fict-p-mammadov"),
        ("Dmitrij Wolkow", "fict-p-volkov"),
        ("ООО Араз Логистикс", "fict-c-araz-logistik"),
        ("Araz Lojistik MMC", "fict-c-araz-logistik"),
        ("Sevan Technologies", "fict-c-sevan-tech"),
        ("Геворкян Тигран", "fict-t-gevorgyan"),
        ("Tigran Gevorkian", "fict-t-gevorgyan"),
        ("Aliyeva Leyla", "fict-t-aliyeva"),
        ("Zangezurtrans LLC", "fict-t-zangezur-trans"),
        ("Nakhchivan Metal", "fict-t-nakhchivan-metal"),
        ("Рубен Саакян", "own-1"),
        ("Ordubad Aqro", "own-2"),
    ],
)
def test_variants_find_their_entity_first(
    snapshot: ListSnapshot, name: str, entity_id: str
) -> None:
    best = _best(snapshot, _query(name))
    assert best.entity.entity_id == entity_id
    assert best.score >= 0.7


def test_every_match_explains_itself(snapshot: ListSnapshot) -> None:
    match = _best(snapshot, _query("Ованесян Армен", birth_date="1971-04-12", countries=("AM",)))
    codes = [r.code for r in match.reasons]
    assert codes == ["name", "birth_date", "country"]
    assert "ovanesyan≈" in match.reasons[0].text
    assert "armen=armen" in match.reasons[0].text
    assert all(r.text for r in match.reasons)
    assert match.score == pytest.approx(min(1.0, sum(r.effect for r in match.reasons)))


def test_conflicting_registration_number_lowers_the_score(snapshot: ListSnapshot) -> None:
    plain = _best(snapshot, _query("Araz Logistik MMC"))
    same = _best(
        snapshot, _query("Araz Logistik MMC", identifiers=(parse_identifier("1402345671"),))
    )
    other = _best(
        snapshot, _query("Araz Logistik MMC", identifiers=(parse_identifier("1409999999"),))
    )
    assert same.score >= plain.score
    assert other.score <= plain.score - 0.25
    assert any(r.code == "identifier" and r.effect < 0 for r in other.reasons)
    assert "differs from listed" in other.reasons[-2].text or any(
        "differs from listed 1402345671" in r.text for r in other.reasons
    )


def test_identifiers_of_different_schemes_do_not_conflict() -> None:
    entity = WatchEntity(
        "e", "Company", ("Uralmash Export",), "t",
        identifiers=(parse_identifier("1027700123456", "ogrn"),),  # type: ignore[arg-type]
    )  # fmt: skip
    index = NameIndex([entity])
    query = _query("Uralmash Export", identifiers=(parse_identifier("inn:7701234567"),))
    assert [r.code for r in screen(index, query)[0].reasons] == ["name"]


def test_identifier_alone_finds_a_vehicle(snapshot: ListSnapshot) -> None:
    query = _query("KAMAZ truck", identifiers=(parse_identifier("o777oo77"),), schema="Vehicle")
    match = _best(snapshot, query)
    assert match.entity.entity_id == "fict-v-truck"
    assert any(r.code == "identifier" and r.effect > 0 for r in match.reasons)


def test_birth_date_conflict_pushes_a_namesake_below_review(snapshot: ListSnapshot) -> None:
    query = _query("Tigran Gevorgyan", birth_date="1999-12-01")
    matches = screen(snapshot.index, query, threshold=0.0)
    assert matches[0].score < 0.7
    assert any(r.code == "birth_date" and r.effect < 0 for r in matches[0].reasons)


def test_schema_conflict_counts_against(snapshot: ListSnapshot) -> None:
    person = _best(snapshot, _query("Gulnara Trade"))
    assert person.entity.entity_id == "fict-le-gulnara"
    company = screen(snapshot.index, _query("Caspian Procurement Front", schema="Person"), 0.0)
    assert company[0].score < 0.7


def test_scores_are_sorted_and_bounded(snapshot: ListSnapshot) -> None:
    matches = screen(snapshot.index, _query("Aliyeva"), threshold=0.0)
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_unrelated_name_matches_nothing(snapshot: ListSnapshot) -> None:
    assert screen(snapshot.index, _query("Jean-Pierre Dubois")) == []


def test_index_does_not_score_every_name() -> None:
    people = [
        WatchEntity(f"p{i}", "Person", (f"{given} {family}",), "t")
        for i, (given, family) in enumerate(
            (g, f) for g in ("Armen", "Aram", "Tigran", "Karen", "Levon") for f in (
                "Petrosyan", "Hakobyan", "Sargsyan", "Mkrtchyan", "Grigoryan", "Vardanyan"
            )
        )
    ]  # fmt: skip
    index = NameIndex(people)
    found = index.candidates(analyse_name("Тигран Саркисян"))
    assert 1 <= len(found) < len(people) // 4
    assert "Tigran Sargsyan" in {index.names[n].form.original for n in found}
