"""Forms: the particulars of each action, and a declaration from the lodging form.

An action's form shows the fields of its command; what the person typed becomes the
command, and the command's own checks (seals, reasons...) say what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import get_currency_precision

from corridor.domain import commands as c
from corridor.domain.errors import InvalidInput
from corridor.domain.lifecycle import Action
from corridor.web.i18n import N_


@dataclass(frozen=True)
class Field:
    """One control of an action's form."""

    name: str
    label: str
    widget: str  # text, textarea, number, select, checkbox
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
    Action.RECORD_PASSAGE: (),
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


# --- The lodging form --------------------------------------------------------------------

_INDEX = re.compile(r"^([a-z_]+)\[(\d+)\]$")
LIST_FIELDS = ("transport.vehicle.trailer_plates", "transport.containers", "seals")
MONEY_FIELDS = ("amount", "value")
MAX_FORM_ITEMS = 50
NOT_DECLARATION = ("csrf", "next", "touched", "pre_lodge")


def declaration_data(form: Mapping[str, Any]) -> dict[str, Any]:
    """The form's fields (named by their dotted path in the declaration, e.g.
    ``consignments[0].items[1].hs_code``) as declaration JSON. Money is typed in major
    units (``312.50``) and stored in minor units; lists are typed one per line."""
    data: dict[str, Any] = {}
    other_mode = "vehicle" if form.get("transport.mode") == "rail" else "train"
    for name, raw in form.items():
        value = _text(raw)
        if (
            value is None
            or name in ("csrf", "next", "touched", "pre_lodge")
            or name.startswith(f"transport.{other_mode}")
        ):
            continue
        if name == "transport.train.wagons":
            _put(data, name, [{"number": number} for number in split_list(value)])
        elif name in LIST_FIELDS:
            _put(data, name, list(split_list(value)))
        elif name.endswith(".amount_major"):
            _put_money(data, name, value, form)
        elif not name.endswith(".currency") or not _has_amount(name, form):
            _put(data, name, value)
    dense: dict[str, Any] = _dense(data)
    return dense


def _has_amount(name: str, form: Mapping[str, Any]) -> bool:
    return _text(form.get(name.removesuffix(".currency") + ".amount_major")) is not None


def _put_money(data: dict[str, Any], name: str, value: str, form: Mapping[str, Any]) -> None:
    base = name.removesuffix(".amount_major")
    currency = (_text(form.get(base + ".currency")) or "").upper()
    _put(data, base + ".currency", currency)
    _put(data, base + ".amount_minor", _minor_units(value, currency, base))


def _minor_units(value: str, currency: str, path: str) -> Any:
    try:
        amount = Decimal(value.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return value  # the declaration's parser names the field
    precision = get_currency_precision(currency) if len(currency) == 3 else 2
    minor = amount.scaleb(precision)
    if minor != minor.to_integral_value():
        raise InvalidInput(f"{path}.amount_minor: at most {precision} decimals in {currency}")
    return int(minor)


def _put(data: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node: Any = data
    for position, part in enumerate(parts):
        last = position == len(parts) - 1
        match = _INDEX.match(part)
        if match:
            key, index = match.group(1), int(match.group(2))
            if index >= MAX_FORM_ITEMS:
                raise InvalidInput(f"{dotted}: at most {MAX_FORM_ITEMS} entries in a form")
            items = node.setdefault(key, {})
            if last:
                items[index] = value
            else:
                node = items.setdefault(index, {})
        elif last:
            node[part] = value
        else:
            node = node.setdefault(part, {})


def _dense(node: Any) -> Any:
    """Indexed parts became dicts by index; make them lists in index order."""
    if isinstance(node, dict):
        if node and all(isinstance(k, int) for k in node):
            return [_dense(node[k]) for k in sorted(node)]
        return {k: _dense(v) for k, v in node.items()}
    return node


def field_errors(problems: list[tuple[str, str]]) -> dict[str, str]:
    """Problems by form field: a money field's error shows at its amount."""
    errors: dict[str, str] = {}
    for field, message in problems:
        name = field.replace(".amount_minor", ".amount_major")
        errors.setdefault(name, message)
    return errors
