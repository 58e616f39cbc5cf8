from __future__ import annotations

import json

import pytest

from corridor.screening.engine import ScreeningEngine, random_draw
from corridor.screening.findings import Channel
from corridor.screening.goods import GoodsReference
from corridor.screening.lists import ListSnapshot
from corridor.screening.parties import party_key
from corridor.screening.review import ReviewError, ReviewState, confirm, dismiss, review_items
from corridor.screening.rules import ScreeningConfig
from corridor.screening.subject import ScreenedGoods, ScreenedParty, ScreeningSubject

CLEAN_HOLDER = ScreenedParty("holder", "Syunik Freight LLC", country="AM")
LISTED_CONSIGNEE = ScreenedParty("consignee", "ООО Араз Логистик", country="AZ")
NAMESAKE = ScreenedParty("driver", "Tigran Gevorgyan", country="AM", birth_date="1990-05-01")


def _engine(reference: GoodsReference, **config: object) -> ScreeningEngine:
    return ScreeningEngine.build(reference, ScreeningConfig.from_dict(config))


def _subject(*parties: ScreenedParty, goods: tuple[str, ...] = ("080810",)) -> ScreeningSubject:
    items = tuple(ScreenedGoods(i + 1, code) for i, code in enumerate(goods))
    return ScreeningSubject("26AM0001", parties=parties, goods=items,
                            final_destination_countries=("AZ",))  # fmt: skip


def test_clean_movement_is_green_with_list_versions(
    reference: GoodsReference, snapshot: ListSnapshot
) -> None:
    assessment = _engine(reference).assess(_subject(CLEAN_HOLDER), snapshot, seed="s")
    assert assessment.channel is Channel.GREEN
    assert assessment.findings == ()
    assert [v.name for v in assessment.list_versions] == ["sanctions", "targets", "own-list"]


def test_listed_party_goes_red_with_its_evidence(
    reference: GoodsReference, snapshot: ListSnapshot
) -> None:
    assessment = _engine(reference).assess(
        _subject(CLEAN_HOLDER, LISTED_CONSIGNEE), snapshot, seed="s"
    )
    assert assessment.channel is Channel.RED
    [finding] = assessment.findings
    assert finding.code == "party.watch_list"
    assert finding.evidence["entity_id"] == "fict-c-araz-logistik"
    assert finding.evidence["sanctions"] == "Fictional Sanctions Office; FSO-RUS-2024"
    assert "consignee 'ООО Араз Логистик' resembles Company" in finding.text


def test_a_namesake_with_another_birth_year_stays_green(
    reference: GoodsReference, snapshot: ListSnapshot
) -> None:
    assessment = _engine(reference).assess(_subject(NAMESAKE), snapshot, seed="s")
    assert assessment.channel is Channel.GREEN


def test_military_goods_make_a_movement_red_whatever_else(
    reference: GoodsReference, snapshot: ListSnapshot
) -> None:
    assessment = _engine(reference).assess(_subject(goods=("080810", "930190")), snapshot, seed="s")
    assert assessment.channel is Channel.RED
    assert [f.code for f in assessment.findings] == ["goods.military_block"]


def test_dismissal_is_remembered_for_that_entity_and_party(
    reference: GoodsReference, snapshot: ListSnapshot
) -> None:
    engine = _engine(reference)
    first = engine.assess(_subject(LISTED_CONSIGNEE), snapshot, seed="s")
    [item] = review_items(first)
    decided, dismissal = dismiss(item, by="officer-am-17", note="different company, same name")
    assert decided.state is ReviewState.DISMISSED
    again = engine.assess(_subject(LISTED_CONSIGNEE), snapshot, seed="s", dismissals={dismissal})
    assert again.channel is Channel.GREEN
    assert [h.match.entity.entity_id for h in again.suppressed] == ["fict-c-araz-logistik"]
    other = ScreenedParty(
        "consignee", "Araz Logistics LLC", country="AZ", identifiers=("1402345671",)
    )
    assert party_key(other) != dismissal[1]
    assert engine.assess(_subject(other), snapshot, seed="s", dismissals={dismissal}).hits


def test_dismissals_applied_after_screening_suppress_the_same_hits(
    reference: GoodsReference, snapshot: ListSnapshot
) -> None:
    engine = _engine(reference)
    subject = _subject(LISTED_CONSIGNEE, goods=("854231",))
    [item] = review_items(engine.assess(subject, snapshot, seed="s"))
    later = engine.screen(subject, snapshot).without({item.dismissal})
    assert later == engine.screen(subject, snapshot, dismissals={item.dismissal})
    assert later.hits == () and len(later.suppressed) == 1
    assert [f.code for f in later.findings] == ["goods.chp"]
    assert engine.screen(subject, snapshot).without(set()) == engine.screen(subject, snapshot)


def test_review_decisions_are_final(reference: GoodsReference, snapshot: ListSnapshot) -> None:
    [item] = review_items(_engine(reference).assess(_subject(LISTED_CONSIGNEE), snapshot, seed="s"))
    confirmed = confirm(item, by="officer-am-17")
    with pytest.raises(ReviewError, match="already confirmed"):
        dismiss(confirmed, by="operator", note="x")
    with pytest.raises(ReviewError, match="needs a note"):
        dismiss(item, by="operator", note=" ")


def test_random_selection_is_deterministic_and_near_its_rate(
    reference: GoodsReference, snapshot: ListSnapshot
) -> None:
    engine = _engine(reference, random_control_rate=0.1)
    refs = [f"26AM{n:05d}" for n in range(2000)]
    selected = [r for r in refs if random_draw("seed-2026-11", r) < 0.1]
    assert 150 <= len(selected) <= 250
    subject = ScreeningSubject(selected[0], parties=(CLEAN_HOLDER,))
    first = engine.assess(subject, snapshot, seed="seed-2026-11")
    again = engine.assess(subject, snapshot, seed="seed-2026-11")
    assert first == again
    assert first.randomly_selected and first.channel is Channel.RED
    assert first.findings[-1].code == "random.control"
    assert random_draw("another-seed", selected[0]) != first.random_draw


def test_assessment_serialises_to_json(reference: GoodsReference, snapshot: ListSnapshot) -> None:
    assessment = _engine(reference).assess(
        _subject(LISTED_CONSIGNEE, goods=("854231",)), snapshot, seed="s"
    )
    data = json.loads(json.dumps(assessment.to_dict()))
    assert data["channel"] == "red"
    assert [r["code"] for r in data["reasons"]] == ["party.watch_list", "goods.chp"]
    assert all(r["text"] and r["evidence"] for r in data["reasons"])
    assert {v["name"] for v in data["list_versions"]} == {"sanctions", "targets", "own-list"}
