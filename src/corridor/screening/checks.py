"""Goods and route checks: each turns a subject into findings, pure and ordered."""

from __future__ import annotations

from corridor.screening.findings import Channel, Finding
from corridor.screening.goods import GoodsReference, MilitaryHeading
from corridor.screening.rules import MilitaryPolicy, RouteRule, ScreeningConfig
from corridor.screening.subject import ScreenedGoods, ScreeningSubject


def military_table(reference: GoodsReference, policy: MilitaryPolicy) -> GoodsReference:
    """The default military headings with the corridor's additions and exceptions."""
    overridden = {*policy.allow, *policy.block, *policy.review}
    kept = [m for m in reference.military if m.prefix not in overridden]
    kept += [MilitaryHeading(p, "block", f"HS {p}: blocked by corridor rule") for p in policy.block]
    kept += [
        MilitaryHeading(p, "review", f"HS {p}: review by corridor rule") for p in policy.review
    ]
    return reference.with_military(tuple(kept))


def goods_findings(
    subject: ScreeningSubject, reference: GoodsReference, config: ScreeningConfig
) -> list[Finding]:
    findings: list[Finding] = []
    for item in subject.goods:
        findings += _item_findings(item, reference, config)
    return findings


def _item_findings(
    item: ScreenedGoods, reference: GoodsReference, config: ScreeningConfig
) -> list[Finding]:
    problem = reference.hs6_problem(item.hs6)
    if problem is not None:
        evidence = {"item_no": str(item.item_no), "hs6": item.hs6}
        text = f"item {item.item_no}: {problem}"
        return [Finding("goods", "goods.invalid_hs", config.invalid_hs_channel, text, evidence)]
    return [*_military(item, reference, config), *_chp(item, reference, config)]


def _military(
    item: ScreenedGoods, reference: GoodsReference, config: ScreeningConfig
) -> list[Finding]:
    heading = reference.military_heading(item.hs6)
    if heading is None:
        return []
    policy = config.military
    channel = policy.block_channel if heading.action == "block" else policy.review_channel
    text = (
        f"item {item.item_no} (HS {item.hs6}): military goods, {heading.action}: {heading.reason}"
    )
    evidence = {"item_no": str(item.item_no), "hs6": item.hs6, "prefix": heading.prefix}
    return [Finding("goods", f"goods.military_{heading.action}", channel, text, evidence)]


def _chp(item: ScreenedGoods, reference: GoodsReference, config: ScreeningConfig) -> list[Finding]:
    chp = reference.chp_item(item.hs6)
    if chp is None:
        return []
    channel = config.chp_channels.get(chp.tier, Channel.YELLOW)
    text = f"item {item.item_no} (HS {item.hs6}): Common High Priority list, tier {chp.tier}"
    evidence = {"item_no": str(item.item_no), "hs6": item.hs6, "tier": chp.tier}
    return [Finding("goods", "goods.chp", channel, text, evidence)]


def route_findings(
    subject: ScreeningSubject, reference: GoodsReference, config: ScreeningConfig
) -> list[Finding]:
    return [f for rule in config.route_rules if (f := _apply(rule, subject, reference))]


def _apply(rule: RouteRule, subject: ScreeningSubject, reference: GoodsReference) -> Finding | None:
    items = [g for g in subject.goods if _goods_selected(rule, g, reference)]
    goods_condition = rule.goods != "any" or bool(rule.chp_tiers or rule.hs_prefixes)
    if goods_condition and not items:
        return None
    countries = _countries_matched(rule, subject)
    if rule.countries and not countries:
        return None
    evidence = {"rule": rule.name}
    if goods_condition:
        evidence["items"] = ", ".join(str(g.item_no) for g in items)
    if countries:
        evidence["countries"] = ", ".join(countries)
    return Finding("route", "route.rule", rule.channel, f"{rule.name}: {rule.text}", evidence)


def _goods_selected(rule: RouteRule, item: ScreenedGoods, reference: GoodsReference) -> bool:
    if rule.hs_prefixes and not item.hs6.startswith(tuple(rule.hs_prefixes)):
        return False
    chp = reference.chp_item(item.hs6)
    if rule.chp_tiers and (chp is None or chp.tier not in rule.chp_tiers):
        return False
    if rule.goods == "chp":
        return chp is not None
    if rule.goods == "military":
        return reference.military_heading(item.hs6) is not None
    return True


def _countries_matched(rule: RouteRule, subject: ScreeningSubject) -> list[str]:
    seen: list[str] = []
    for where in rule.country_of:
        for country in _countries_at(subject, where):
            if country in rule.countries and country not in seen:
                seen.append(country)
    return seen


def _countries_at(subject: ScreeningSubject, where: str) -> tuple[str, ...]:
    if where == "final_destination":
        return subject.final_destination_countries
    if where == "route":
        return subject.route_countries
    if where == "origin":
        return subject.origin_countries
    return tuple((p.country or "").upper() for p in subject.parties_in_role(where))
