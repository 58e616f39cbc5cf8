"""The declaration as a form and back: the carrier's lodging and amending forms.

Every control is named by its dotted path in the declaration JSON
(``consignments[1].items[0].hs_code``), so that each problem the declaration's parser and
``validation.declaration_problems`` name (the checks the API makes) shows at its control.
Money is typed in major units (``312.50``) and kept in minor units; lists (plates,
containers, seals) are typed one per line; identification numbers one ``scheme: number``
a line.

A form holds repeated rows: consignments, their goods items, and the wagons of a train.
``layout`` counts them from the controls' names; ``apply_edit`` adds or removes one, and
renumbers the rows after it, so that the page works the same with and without script.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import get_currency_precision

from corridor.domain.errors import InvalidInput
from corridor.domain.validation import MAX_ITEMS
from corridor.web.forms import split_list

Problem = tuple[str, str]

NOT_DECLARATION = ("csrf", "next", "touched", "pre_lodge", "edit")
LIST_FIELDS = ("transport.vehicle.trailer_plates", "transport.containers", "seals")
CONSIGNMENTS = "consignments"
WAGONS = "transport.train.wagons"
MAX_ROWS = MAX_ITEMS
_INDEX = re.compile(r"^([a-z_]+)\[(\d+)\]$")
_ROW = re.compile(r"[a-z_]+\[(\d+)\]")
_CONSIGNMENT = re.compile(r"^consignments\[(\d+)\]")
_ITEM = re.compile(r"^consignments\[(\d+)\]\.items\[(\d+)\]")
_WAGON = re.compile(r"^transport\.train\.wagons\[(\d+)\]")


# --- Form to declaration JSON ------------------------------------------------------------


def read_form(form: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """The declaration JSON the form describes, and what could not be read from it (a
    malformed amount, an identifier line without its scheme). Every row of the form is
    kept, even a blank one: the parser then says what it lacks, at the right index."""
    data: dict[str, Any] = {}
    problems: list[Problem] = []
    other_mode = "transport.vehicle" if form.get("transport.mode") == "rail" else "transport.train"
    for name, raw in form.items():
        if name in NOT_DECLARATION or name.startswith(other_mode):
            continue
        try:
            _keep_rows(data, name)
            value = _text(raw)
            if value is not None:
                _read_field(data, name, value, form)
        except InvalidInput as error:
            field, _, message = error.detail.partition(": ")
            problems.append((field, message))
    dense: dict[str, Any] = _dense(data)
    return dense, problems


def _read_field(data: dict[str, Any], name: str, value: str, form: Mapping[str, Any]) -> None:
    if name in LIST_FIELDS or (name.startswith(WAGONS) and name.endswith(".containers")):
        _put(data, name, list(split_list(value)))
    elif name.endswith(".identifiers"):
        _put(data, name, _identifiers(name, value))
    elif name.endswith(".amount_major"):
        _put_money(data, name, value, form)
    elif not name.endswith(".currency") or not _has_amount(name, form):
        _put(data, name, value)


def _identifiers(name: str, value: str) -> dict[str, str]:
    found = {}
    for line in value.splitlines():
        scheme, colon, number = line.partition(":")
        if not line.strip():
            continue
        if not colon or not scheme.strip() or not number.strip():
            raise InvalidInput(f"{name}: one 'scheme: number' a line, e.g. tin: 1700123451")
        found[scheme.strip().lower()] = number.strip()
    return found


def _has_amount(name: str, form: Mapping[str, Any]) -> bool:
    return _text(form.get(name.removesuffix(".currency") + ".amount_major")) is not None


def _put_money(data: dict[str, Any], name: str, value: str, form: Mapping[str, Any]) -> None:
    base = name.removesuffix(".amount_major")
    currency = (_text(form.get(base + ".currency")) or "").upper()
    _put(data, base + ".currency", currency)
    _put(data, base + ".amount_minor", minor_units(value, currency, name))


def minor_units(value: str, currency: str, name: str) -> Any:
    """``312.50`` USD as 31250; an amount that is no number is left for the parser."""
    try:
        amount = Decimal(value.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return value
    minor = amount.scaleb(_precision(currency))
    if not minor.is_finite() or minor != minor.to_integral_value():
        raise InvalidInput(f"{name}: at most {_precision(currency)} decimals in {currency}")
    return int(minor)


def _precision(currency: str) -> int:
    return get_currency_precision(currency) if len(currency) == 3 else 2


def _keep_rows(data: dict[str, Any], name: str) -> None:
    """Make the rows a control's name passes through (``consignments[0]``, its
    ``items[1]``), so that a blank row keeps its place."""
    for found in _ROW.finditer(name):
        if found.end() < len(name):
            _walk(data, name[: found.end()])


def _walk(data: dict[str, Any], dotted: str) -> dict[Any, Any]:
    """The node at ``dotted`` (made as needed); indexed parts are dicts by index."""
    node: dict[Any, Any] = data
    for part in dotted.split("."):
        match = _INDEX.match(part)
        if match:
            index = int(match.group(2))
            if index >= MAX_ROWS:
                raise InvalidInput(f"{dotted}: at most {MAX_ROWS} rows in a form")
            node = node.setdefault(match.group(1), {}).setdefault(index, {})
        else:
            node = node.setdefault(part, {})
    return node


def _put(data: dict[str, Any], dotted: str, value: Any) -> None:
    parent, _, last = dotted.rpartition(".")
    node = _walk(data, parent) if parent else data
    node[last] = value


def _dense(node: Any) -> Any:
    """Indexed parts are dicts by index; make them lists, a blank row where one is missing."""
    if isinstance(node, dict):
        if node and all(isinstance(k, int) for k in node):
            return [_dense(node.get(k, {})) for k in range(max(node) + 1)]
        return {k: _dense(v) for k, v in node.items()}
    return node


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    stripped = value.strip()
    return stripped or None


# --- Declaration JSON to form ------------------------------------------------------------


def form_values(data: Mapping[str, Any]) -> dict[str, str]:
    """The controls' values for a declaration (its JSON): the amending form, filled in.
    The en-route checkpoints are left out: they follow from the offices and the mode."""
    values: dict[str, str] = {}
    _flatten(values, "", data)
    values.pop("itinerary.en_route", None)
    return values


def _flatten(values: dict[str, str], path: str, node: Any) -> None:
    if isinstance(node, dict):
        if path.endswith("identifiers"):
            values[path] = "\n".join(f"{k}: {v}" for k, v in node.items())
        elif set(node) == {"amount_minor", "currency"}:
            values[f"{path}.amount_major"] = major_units(node["amount_minor"], node["currency"])
            values[f"{path}.currency"] = node["currency"]
        else:
            for key, value in node.items():
                _flatten(values, f"{path}.{key}" if path else key, value)
    elif isinstance(node, list) and all(isinstance(v, str) for v in node):
        values[path] = "\n".join(node)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _flatten(values, f"{path}[{index}]", value)
    else:
        values[path] = str(node)


def major_units(amount_minor: int, currency: str) -> str:
    precision = _precision(currency)
    return f"{Decimal(amount_minor).scaleb(-precision):.{precision}f}"


# --- Rows: count, add, remove ------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """The rows of a form: goods items per consignment, and wagons."""

    items: tuple[int, ...] = (1,)
    wagons: int = 1

    def as_json(self) -> dict[str, Any]:
        return {"items": list(self.items), "wagons": self.wagons}


def layout(names: Mapping[str, Any]) -> Layout:
    """The rows the controls' names show (at least one consignment, item and wagon)."""
    items: dict[int, int] = {}
    wagons = 1
    for name in names:
        if found := _ITEM.match(name):
            consignment, item = int(found.group(1)), int(found.group(2))
            items[consignment] = max(items.get(consignment, 1), item + 1)
        elif found := _CONSIGNMENT.match(name):
            items.setdefault(int(found.group(1)), 1)
        elif found := _WAGON.match(name):
            wagons = max(wagons, int(found.group(1)) + 1)
    counts = tuple(items.get(i, 1) for i in range(max(items, default=0) + 1))
    return Layout(counts, wagons)


def apply_edit(values: dict[str, str], edit: str) -> tuple[dict[str, str], str]:
    """The form's values with a row added or removed (``add-item:0``, ``remove-wagon:2``
    ...), and the id of the control to put the cursor in next (empty: nothing changed)."""
    verb, _, where = edit.partition(":")
    at = [int(part) for part in where.split(":") if part.isdigit()]
    rows = layout(values)
    consignments = len(rows.items)
    if verb == "add-consignment" and consignments < MAX_ROWS:
        return _added(values, f"consignments[{consignments}].consignor.name",
                      f"consignments[{consignments}].items[0].hs_code")  # fmt: skip
    if verb == "remove-consignment" and len(at) == 1 and consignments > 1:
        return remove_row(values, CONSIGNMENTS, at[0]), "add-consignment"
    if verb in ("add-item", "remove-item") and at and at[0] < consignments:
        items = rows.items[at[0]]
        if verb == "add-item" and items < MAX_ROWS:
            return _added(values, f"consignments[{at[0]}].items[{items}].hs_code")
        if verb == "remove-item" and len(at) == 2 and items > 1:
            return remove_row(values, f"consignments[{at[0]}].items", at[1]), f"add-item-{at[0]}"
    if verb == "add-wagon" and rows.wagons < MAX_ROWS:
        return _added(values, f"{WAGONS}[{rows.wagons}].number")
    if verb == "remove-wagon" and len(at) == 1 and rows.wagons > 1:
        return remove_row(values, WAGONS, at[0]), "add-wagon"
    return values, ""


def _added(values: dict[str, str], first: str, *more: str) -> tuple[dict[str, str], str]:
    return values | dict.fromkeys((first, *more), ""), control_id(first)


def remove_row(values: Mapping[str, str], rows: str, index: int) -> dict[str, str]:
    """The values without row ``index`` of the list ``rows``; later rows move up one.
    The list of controls already visited (``touched``) is renumbered the same way."""
    kept: dict[str, str] = {}
    for name, value in values.items():
        if name == "touched":
            names = (renamed(n, rows, index) for n in value.split(","))
            kept[name] = ",".join(n for n in names if n)
        elif (new := renamed(name, rows, index)) is not None:
            kept[new] = value
    return kept


def renamed(name: str, rows: str, index: int) -> str | None:
    """``name`` once row ``index`` of ``rows`` is gone: ``None`` if it was in that row."""
    prefix = f"{rows}["
    if not name.startswith(prefix):
        return name
    number, _, rest = name[len(prefix) :].partition("]")
    if not number.isdigit() or int(number) < index:
        return name
    if int(number) == index:
        return None
    return f"{prefix}{int(number) - 1}]{rest}"


# --- Problems at their controls ----------------------------------------------------------


def control_id(name: str) -> str:
    """The HTML id of a control (as the templates' ``fid`` makes it)."""
    return "f-" + name.replace(".", "-").replace("[", "-").replace("]", "")


def field_errors(problems: list[Problem], controls: list[str]) -> dict[str, str]:
    """Problems by the control that shows them (the first problem of each)."""
    errors: dict[str, str] = {}
    for path, message in problems:
        errors.setdefault(control_for(path.replace(".amount_minor", ".amount_major"), controls),
                          message)  # fmt: skip
    return errors


def control_for(path: str, controls: list[str]) -> str:
    """The control a problem at ``path`` belongs to: the control of that name; else the
    control holding it (a list typed one per line: ``transport.containers[2]`` is in
    ``transport.containers``); else the first control inside it (``transport.vehicle``:
    its plate); else the path itself (shown in the list of problems only)."""
    if path in controls:
        return path
    holding = [c for c in controls if path.startswith(c) and path[len(c)] in ".["]
    if holding:
        return max(holding, key=len)
    inside = (c for c in controls if c.startswith(path) and c[len(path)] in ".[")
    return next(inside, path)
