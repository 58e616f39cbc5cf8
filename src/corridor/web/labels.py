"""Words for the codes the pages show (states, channels, modes, roles...), to translate.

A page shows ``label(code)``: the code's words in the person's language, or the code
itself where it has none (an office code, a seal number).
"""

from __future__ import annotations

from corridor.web.i18n import N_

LABELS: dict[str, str] = {
    # movement states
    "pre_lodged": N_("pre-lodged"),
    "lodged": N_("lodged"),
    "accepted": N_("accepted"),
    "rejected": N_("rejected"),
    "cancelled": N_("cancelled"),
    "under_control": N_("under control"),
    "not_released": N_("not released"),
    "released": N_("released"),
    "in_transit": N_("in transit"),
    "incident": N_("incident"),
    "arrived": N_("arrived"),
    "discharged": N_("discharged"),
    "overdue": N_("overdue"),
    "under_enquiry": N_("under enquiry"),
    "recovery": N_("recovery"),
    # screening channels
    "green": N_("green"),
    "yellow": N_("yellow"),
    "red": N_("red"),
    # modes, directions, places on a route
    "road": N_("road"),
    "rail": N_("rail"),
    "road westbound": N_("road westbound"),
    "road eastbound": N_("road eastbound"),
    "rail westbound": N_("rail westbound"),
    "rail eastbound": N_("rail eastbound"),
    "departure": N_("departure"),
    "en_route": N_("en route"),
    "destination": N_("destination"),
    # controls and incidents
    "documentary": N_("documentary"),
    "physical": N_("physical"),
    "seal_broken": N_("seal broken"),
    "deviation": N_("deviation"),
    "accident": N_("accident"),
    "transhipment": N_("transhipment"),
    "unloading": N_("unloading"),
    "other": N_("other"),
    # roles
    "carrier": N_("carrier"),
    "customs": N_("customs"),
    "front_office": N_("front office"),
    "operator": N_("operator"),
    "monitor": N_("monitor"),
    "witness": N_("witness"),
    "system": N_("system"),
    # guarantees
    "tir_carnet": N_("TIR carnet"),
    "comprehensive": N_("comprehensive"),
    "individual": N_("individual"),
    "cash": N_("cash deposit"),
    "waiver": N_("waiver"),
    # parties screened, and decisions on their hits
    "holder": N_("holder"),
    "representative": N_("representative"),
    "consignor": N_("consignor"),
    "consignee": N_("consignee"),
    "vehicle": N_("vehicle"),
    "open": N_("open"),
    "confirmed": N_("confirmed"),
    "dismissed": N_("dismissed"),
    "withdrawn": N_("withdrawn"),
    "in_force": N_("in force"),
    "revoked": N_("revoked"),
}
