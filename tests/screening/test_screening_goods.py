from __future__ import annotations

import pytest

from corridor.screening.checks import goods_findings, military_table, route_findings
from corridor.screening.findings import Channel
from corridor.screening.goods import CHP_TIERS, GoodsReference
from corridor.screening.rules import ScreeningConfig
from corridor.screening.subject import ScreenedGoods, ScreenedParty, ScreeningSubject

CHP_EXAMPLES = {
    "1": "854231", "2": "851762", "3A": "850440", "3B": "848210", "4A": "853400", "4B": "845811"
}  # fmt: skip


def _subject(*codes: str, **kwargs: object) -> ScreeningSubject:
    goods = tuple(ScreenedGoods(i + 1, code) for i, code in enumerate(codes))
    return ScreeningSubject("MRN1", goods=goods, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("85423", "not six digits"),
        ("85423X", "not six digits"),
        ("770000", "chapter 77 does not exist"),
        ("851799", "subheading 851799 does not exist"),
        ("857100", "heading 8571 does not exist"),
    ],
)
def test_hs6_validation(reference: GoodsReference, code: str, problem: str) -> None:
    assert problem in (reference.hs6_problem(code) or "")


def test_valid_hs6_has_its_description(reference: GoodsReference) -> None:
    assert reference.hs6_problem("270900") is None
    assert "petroleum" in (reference.description("270900") or "").lower()


def test_the_chp_list_holds_every_tier(reference: GoodsReference) -> None:
    assert {item.tier for item in reference.chp.values()} == set(CHP_TIERS)
    assert len(reference.chp) == 50


@pytest.mark.parametrize("tier", CHP_TIERS)
def test_each_chp_tier_is_flagged_with_its_configured_channel(
    reference: GoodsReference, tier: str
) -> None:
    code = CHP_EXAMPLES[tier]
    assert reference.chp[code].tier == tier
    default = goods_findings(_subject(code), reference, ScreeningConfig())
    assert [(f.code, f.channel, f.evidence["tier"]) for f in default] == [
        ("goods.chp", Channel.YELLOW, tier)
    ]
    red = ScreeningConfig.from_dict({"chp": {tier: "red"}})
    assert goods_findings(_subject(code), reference, red)[0].channel is Channel.RED


def test_ordinary_goods_raise_nothing(reference: GoodsReference) -> None:
    assert goods_findings(_subject("080810", "270900"), reference, ScreeningConfig()) == []


@pytest.mark.parametrize("code", ["930190", "871000", "890610"])
def test_military_goods_are_blocked_red(reference: GoodsReference, code: str) -> None:
    findings = goods_findings(_subject(code), reference, ScreeningConfig())
    assert [(f.code, f.channel) for f in findings] == [("goods.military_block", Channel.RED)]
    assert "military" in findings[0].text


def test_review_headings_go_yellow_and_keep_their_chp_flag(reference: GoodsReference) -> None:
    findings = goods_findings(_subject("880730"), reference, ScreeningConfig())
    assert [(f.code, f.channel) for f in findings] == [
        ("goods.military_review", Channel.YELLOW),
        ("goods.chp", Channel.YELLOW),
    ]


def test_corridor_can_add_and_remove_military_prefixes(reference: GoodsReference) -> None:
    config = ScreeningConfig.from_dict({"military": {"block": ["8806"], "allow": ["93"]}})
    table = military_table(reference, config.military)
    drone = goods_findings(_subject("880622"), table, config)
    assert drone[0].code == "goods.military_block"
    assert goods_findings(_subject("930190"), table, config) == []


def test_invalid_hs_code_is_a_finding(reference: GoodsReference) -> None:
    findings = goods_findings(_subject("123"), reference, ScreeningConfig())
    assert [(f.code, f.channel) for f in findings] == [("goods.invalid_hs", Channel.YELLOW)]


RUSSIA_RULE = {
    "route_rules": [
        {
            "name": "chp-to-russia-belarus",
            "channel": "red",
            "text": "CHP goods with final destination or consignee in Russia or Belarus",
            "when": {
                "goods": "chp",
                "countries": ["RU", "BY"],
                "country_of": ["final_destination", "consignee"],
            },
        }
    ]
}


def test_route_rule_sends_chp_to_russia_red(reference: GoodsReference) -> None:
    config = ScreeningConfig.from_dict(RUSSIA_RULE)
    subject = _subject("080810", "854231", final_destination_countries=("RU",))
    [finding] = route_findings(subject, reference, config)
    assert finding.channel is Channel.RED
    assert finding.evidence == {"rule": "chp-to-russia-belarus", "items": "2", "countries": "RU"}


def test_route_rule_reads_the_consignee_country(reference: GoodsReference) -> None:
    config = ScreeningConfig.from_dict(RUSSIA_RULE)
    consignee = ScreenedParty("consignee", "Minsk Opto", country="by")
    subject = _subject("854231", final_destination_countries=("AZ",), parties=(consignee,))
    assert route_findings(subject, reference, config)[0].evidence["countries"] == "BY"


@pytest.mark.parametrize(
    ("codes", "destination"),
    [(("080810",), "RU"), (("854231",), "AZ"), (("854231",), "TR")],
)
def test_route_rule_stays_quiet_otherwise(
    reference: GoodsReference, codes: tuple[str, ...], destination: str
) -> None:
    config = ScreeningConfig.from_dict(RUSSIA_RULE)
    subject = _subject(*codes, final_destination_countries=(destination,))
    assert route_findings(subject, reference, config) == []


def test_route_rule_can_be_narrowed_to_tiers(reference: GoodsReference) -> None:
    rule = {"name": "tier1", "when": {"chp_tiers": ["1"], "countries": ["RU"]}}
    config = ScreeningConfig.from_dict({"route_rules": [rule]})
    tier2 = _subject("851762", final_destination_countries=("RU",))
    tier1 = _subject("854232", final_destination_countries=("RU",))
    assert route_findings(tier2, reference, config) == []
    assert route_findings(tier1, reference, config)[0].channel is Channel.RED
