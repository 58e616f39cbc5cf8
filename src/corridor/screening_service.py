"""Screening a declaration as the services need it: the engine built from the corridor's
configuration, the watch lists, and the map from a declaration to what screening reads.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corridor.domain.declaration import Party, TransitDeclaration
from corridor.domain.network import Corridor
from corridor.domain.risk import Channel, RiskAssessment, RiskReason
from corridor.screening.engine import Assessment, Screened, ScreeningEngine
from corridor.screening.goods import GoodsReference
from corridor.screening.lists import ListSource, WatchListSet
from corridor.screening.parties import Dismissal, party_key
from corridor.screening.review import HitKey, ReviewItem, review_items
from corridor.screening.rules import ScreeningConfig
from corridor.screening.subject import ScreenedGoods, ScreenedParty, ScreeningSubject

BLOCKING_CODES = frozenset({"goods.military_block"})
RememberedDismissals = Callable[[str, Collection[str]], Collection[Dismissal]]


@dataclass
class Screening:
    """What the services screen with; the lists reload when their files change."""

    engine: ScreeningEngine
    lists: WatchListSet
    seed: str

    def prepare(
        self, declaration: TransitDeclaration, corridor: Corridor, *, reload: bool = True
    ) -> PreparedScreening:
        """Run every check that needs no MRN now; ``.of(mrn)`` completes the assessment
        once the MRN is allocated (lodging allocates it inside its transaction, and keeps
        that transaction short by screening before it opens). ``reload=False``: the
        caller has just checked the lists' files (once for a group of lodgings)."""
        if reload:
            self.lists.reload()
        subject = subject_for(UNALLOCATED, declaration, corridor)
        screened = self.engine.screen(subject, self.lists.current)
        state = corridor.office(declaration.itinerary.departure).state
        parties = frozenset((party.role, party_key(party)) for party in subject.parties)
        return PreparedScreening(self, screened, state, parties)


UNALLOCATED = ""
"""The movement reference of a subject screened before its MRN exists (never read)."""


@dataclass(frozen=True)
class PreparedScreening:
    """A declaration screened, short of the random draw that depends on its MRN and of
    the dismissals remembered for its hits."""

    screening: Screening
    screened: Screened
    state: str
    """The state of the office of departure: its remembered dismissals apply."""
    parties: frozenset[tuple[str, str]] = frozenset()
    """The declaration's parties screened, as (role, party key)."""

    def of(
        self, mrn: str, remembered: RememberedDismissals = lambda state, keys: ()
    ) -> ScreeningOutcome:
        """The assessment of ``mrn`` and a review item per hit. ``remembered(state,
        party_keys)`` gives the dismissals the state of departure remembers for these
        parties (asked only when there are hits): their hits are suppressed, listed in
        the assessment but not raised."""
        screened = self.screened
        if screened.hits:
            keys = sorted({hit.party_key for hit in screened.hits})
            screened = screened.without(remembered(self.state, keys))
        engine, seed = self.screening.engine, self.screening.seed
        assessment = engine.conclude(screened, mrn, seed=seed)
        arising = frozenset(
            (hit.party.role, hit.party_key, hit.match.entity.entity_id)
            for hit in (*screened.hits, *screened.suppressed)
        )
        return ScreeningOutcome(risk_of(assessment), review_items(assessment), arising)


@dataclass(frozen=True)
class ScreeningOutcome:
    """A movement screened: what the movement keeps, and what goes to the review queue."""

    risk: RiskAssessment
    review_items: list[ReviewItem]
    arising: frozenset[HitKey] = frozenset()
    """Every hit the declaration gives, raised or suppressed by a remembered dismissal."""


def build_screening(
    corridor: Corridor,
    data_dir: Path,
    sources: list[ListSource],
    seed: str,
    random_control_rate: float | None = None,
) -> Screening:
    settings: dict[str, Any] = dict(corridor.screening)
    if random_control_rate is not None:
        settings["random_control_rate"] = random_control_rate
    engine = ScreeningEngine.build(
        GoodsReference.load(data_dir), ScreeningConfig.from_dict(settings)
    )
    return Screening(engine=engine, lists=WatchListSet(sources), seed=seed)


def default_sources(data_dir: Path) -> list[ListSource]:
    folder = data_dir / "watchlists"
    files = sorted(p for p in folder.glob("*") if p.suffix in (".csv", ".jsonl"))
    return [ListSource(path) for path in files]


def parse_sources(text: str) -> list[ListSource]:
    return [ListSource.parse(part.strip()) for part in text.split(";") if part.strip()]


def subject_for(mrn: str, declaration: TransitDeclaration, corridor: Corridor) -> ScreeningSubject:
    """A declaration as screening reads it: parties, goods and countries."""
    itinerary = declaration.itinerary
    offices = (itinerary.departure, *(itinerary.en_route or ()), itinerary.destination)
    return ScreeningSubject(
        movement_ref=mrn,
        parties=tuple(_parties(declaration)),
        goods=tuple(
            ScreenedGoods(item_no=n, hs6=item.hs_code, description=item.description)
            for n, item in enumerate(declaration.items, start=1)
        ),
        route_countries=tuple(dict.fromkeys(corridor.office(code).state for code in offices)),
        final_destination_countries=tuple(
            dict.fromkeys(c.country_of_destination for c in declaration.consignments)
        ),
        origin_countries=tuple(
            dict.fromkeys(i.country_of_origin for i in declaration.items if i.country_of_origin)
        ),
    )


def _parties(declaration: TransitDeclaration) -> Iterator[ScreenedParty]:
    holder = declaration.holder
    yield ScreenedParty(
        role="holder",
        name=holder.name,
        country=holder.country,
        identifiers=(holder.identification_number,),
        schema="Company",
    )
    if declaration.representative is not None:
        yield _party("representative", declaration.representative)
    for consignment in declaration.consignments:
        yield _party("consignor", consignment.consignor)
        yield _party("consignee", consignment.consignee)
    vehicle = declaration.transport.vehicle
    if vehicle is not None:
        yield ScreenedParty(
            role="vehicle", name=vehicle.plate, country=vehicle.country, schema="Vehicle"
        )


def _party(role: str, party: Party) -> ScreenedParty:
    identifiers = tuple(f"{scheme}:{value}" for scheme, value in sorted(party.identifiers.items()))
    return ScreenedParty(role=role, name=party.name, country=party.country, identifiers=identifiers)


def risk_of(assessment: Assessment) -> RiskAssessment:
    """The domain's record of an assessment: channel, reasons, list versions."""
    reasons = tuple(
        RiskReason(
            code=finding.code,
            channel=Channel(finding.channel.value),
            text=finding.text,
            evidence=dict(finding.evidence),
        )
        for finding in assessment.findings
    )
    versions = tuple(f"{v.name}@{v.date}#{v.sha256[:12]}" for v in assessment.list_versions)
    blocked = any(reason.code in BLOCKING_CODES for reason in reasons)
    return RiskAssessment(Channel(assessment.channel.value), reasons, versions, blocked)
