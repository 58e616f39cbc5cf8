"""Forms: the particulars of each action (the declaration's form is ``declaration_form``).

An action's form shows the fields of its command; what the person typed becomes the
command, and the command's own checks (seals, reasons...) say what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from corridor.domain import commands as c
from corridor.domain.errors import InvalidInput
from corridor.domain.lifecycle import Action
from corridor.web.i18n import N_


@dataclass(frozen=True)
class Field:
    """One control of an action's form."""

    name: str
    label: str
    widget: str  # text, textarea, number, select, checkbox, datetime (UTC)
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""


CONTROL_KINDS = (("documentary", N_("Documentary")), ("physical", N_("Physical")))
INCIDENT_KINDS = (
    ("seal_broken", N_("Seal broken")),
    ("deviation", N_("Deviation from the itinerary")),
    ("accident", N_("Accident")),
    ("transhipment", N_("Transhipment")),
    ("unloading", N_("Unloading under imminent danger")),
    ("other", N_("Other")),
)
SEALS_HINT = N_("One seal number per line, or separated by commas.")
REASON = Field("reason", N_("Reason"), "textarea", required=True)
REMARKS = Field("remarks", N_("Remarks"), "textarea")

FIELDS: dict[Action, tuple[Field, ...]] = {
    Action.PRESENT: (),
    Action.CANCEL: (REMARKS,),
    Action.ACCEPT: (),
    Action.REJECT: (REASON,),
    Action.CONTROL: (Field("kind", N_("Kind of control"), "select", True, CONTROL_KINDS),),
    Action.RELEASE: (
        Field("seals", N_("Seals affixed"), "textarea", True, hint=SEALS_HINT),
        Field("time_limit_hours", N_("Time limit (hours, optional)"), "number"),
    ),
    Action.REFUSE_RELEASE: (REASON,),
    Action.INVALIDATE: (REASON,),
    Action.RECORD_PASSAGE: (
        Field(
            "arrived_at",
            N_("Arrived at the checkpoint (gate-in, UTC)"),
            "datetime",
            hint=N_(
                "Optional: when the vehicle arrived, as the gate or the plate reader "
                "recorded it. Leave it empty if it is not known."
            ),
        ),
    ),
    Action.RECORD_INCIDENT: (
        Field("kind", N_("Kind of incident"), "select", True, INCIDENT_KINDS),
        Field("description", N_("What happened"), "textarea", required=True),
        Field("new_seals", N_("New seals (if any)"), "textarea", hint=SEALS_HINT),
    ),
    Action.ENDORSE_INCIDENT: (REMARKS,),
    Action.RECORD_ARRIVAL: (Field("seals_intact", N_("Seals intact"), "checkbox"),),
    Action.DISCHARGE: (),
    Action.OPEN_ENQUIRY: (),
    Action.CLOSE_ENQUIRY: (
        Field("proof", N_("Alternative proof of arrival"), "textarea", required=True),
    ),
    Action.START_RECOVERY: (REASON,),
}

ACTION_LABELS: dict[Action, str] = {
    Action.PRESENT: N_("Present the goods"),
    Action.CANCEL: N_("Cancel the declaration"),
    Action.ACCEPT: N_("Accept the declaration"),
    Action.REJECT: N_("Reject the declaration"),
    Action.CONTROL: N_("Decide a control"),
    Action.RELEASE: N_("Release for transit"),
    Action.REFUSE_RELEASE: N_("Refuse release"),
    Action.INVALIDATE: N_("Invalidate"),
    Action.RECORD_PASSAGE: N_("Record passage (seals intact)"),
    Action.RECORD_INCIDENT: N_("Record an incident"),
    Action.ENDORSE_INCIDENT: N_("Endorse the incident"),
    Action.RECORD_ARRIVAL: N_("Record arrival"),
    Action.DISCHARGE: N_("Discharge"),
    Action.OPEN_ENQUIRY: N_("Open an enquiry"),
    Action.CLOSE_ENQUIRY: N_("Close the enquiry"),
    Action.START_RECOVERY: N_("Start recovery"),
    Action.AMEND: N_("Amend"),
    Action.LODGE: N_("Lodge"),
    Action.PRE_LODGE: N_("Pre-lodge"),
    Action.MARK_OVERDUE: N_("Marked overdue"),
    Action.REVIEW_HIT: N_("Screening hit reviewed"),
    Action.REVOKE_DISMISSAL: N_("Screening dismissal revoked"),
}


def command_from_form(action: Action, form: Mapping[str, Any]) -> c.Command:
    """The command the person asked for; the command's checks judge its particulars."""
    particulars: dict[str, Any] = {"office": _text(form.get("office"))}
    for field in FIELDS[action]:
        value = _value(action, field, form)
        if value is not None:
            particulars[field.name] = value
        elif field.required:
            raise InvalidInput(f"{field.name}: is required")
    return c.COMMANDS[action](**particulars)


def _value(action: Action, field: Field, form: Mapping[str, Any]) -> Any:
    raw = form.get(field.name)
    if field.widget == "checkbox":
        return raw is not None
    text = _text(raw)
    if text is None:
        return None
    if field.name in ("seals", "new_seals"):
        return split_list(text)
    if field.widget == "datetime":
        return c.parse_time(text, field.name)
    if field.widget == "number":
        if not text.isdigit():
            raise InvalidInput(f"{field.name}: a whole number")
        return int(text)
    if field.name == "kind":
        kinds: type[c.ControlKind | c.IncidentKind] = (
            c.ControlKind if action is Action.CONTROL else c.IncidentKind
        )
        try:
            return kinds(text)
        except ValueError:
            raise InvalidInput(f"{field.name}: not one of the choices") from None
    return text


def split_list(text: str) -> tuple[str, ...]:
    """Seal numbers, plates, containers: one per line or separated by commas."""
    return tuple(part.strip() for part in re.split(r"[\n,;]+", text) if part.strip())


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    stripped = value.strip()
    return stripped or None
