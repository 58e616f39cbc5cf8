"""The lodging form's problems in the carrier's language: every message the declaration's
parser, its rules and the form's reading give has a sentence to translate, and the form
shows it translated."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from corridor_web_testing import csrf_of, sign_in
from fastapi.testclient import TestClient
from test_web_pages import lodging_form

from corridor.bootstrap import Context
from corridor.web.i18n import gettext_for
from corridor.web.lodging_problems import PROBLEMS, localise_problems
from corridor.web.refusals import sentence_for
from corridor.web.routes.lodging import examine

SOURCE = Path(__import__("corridor").__file__).parent
JSON = {"Accept": "application/json"}


def _sample(argument: ast.expr) -> str | None:
    """The message with its values written as «value»; None if it is not written here."""
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return argument.value
    if isinstance(argument, ast.JoinedStr):
        return "".join(
            str(p.value) if isinstance(p, ast.Constant) else "«value»" for p in argument.values
        )
    return None


def messages_given(module: str) -> list[tuple[int, str]]:
    """What a module says is wrong with a field: the message of each ``yield path,
    message`` (the declaration's rules), of each ``InvalidDeclaration(field, message)``
    and of each ``InvalidInput("field: message")`` (the form's reading)."""
    found = []
    for node in ast.walk(ast.parse((SOURCE / module).read_text(encoding="utf-8"))):
        message: str | None = None
        if isinstance(node, ast.Yield) and isinstance(node.value, ast.Tuple):
            message = _sample(node.value.elts[1])
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "InvalidDeclaration" and len(node.args) == 2:
                message = _sample(node.args[1])
            elif node.func.id == "InvalidInput" and node.args:
                text = _sample(node.args[0])
                message = text.partition(": ")[2] if text else None
        if message is not None:
            found.append((node.lineno, message))
    return found


@pytest.mark.parametrize(
    "module", ["domain/validation.py", "domain/network.py", "web/declaration_form.py"]
)
def test_every_problem_the_form_can_show_has_a_sentence(module: str) -> None:
    given = messages_given(module)
    assert given, f"no message found in {module}: has the way it words them changed?"
    missing = [
        f"{module}:{line}: {text}" for line, text in given if not sentence_for(text, PROBLEMS)
    ]
    assert not missing, "add a row to corridor.web.lodging_problems.PROBLEMS for:\n" + "\n".join(
        missing
    )


# What a person can type in a control that the parser refuses in its own words.
WRONG = ("", "zz", "-1", "1.5", "1.234", "inf", "9" * 30)


def test_every_problem_the_parser_gives_the_form_has_a_sentence(
    web_ctx: Context, declaration_data: dict[str, Any]
) -> None:
    form = lodging_form(declaration_data, "csrf")
    rail = form | {"transport.mode": "rail", "transport.train.number": "71",
                   "transport.train.wagons[0].number": "21812471217"}  # fmt: skip
    seen: set[str] = set()
    for base in (form, rail):
        for name in base:
            for wrong in WRONG:
                _, problems = examine(web_ctx, base | {name: wrong})
                seen |= set(problems.values())
    assert len(seen) > 15  # the parser's words and the rules'
    missing = sorted(message for message in seen if not sentence_for(message, PROBLEMS))
    assert not missing, "add a row to corridor.web.lodging_problems.PROBLEMS for:\n" + "\n".join(
        missing
    )


@pytest.mark.parametrize("language", ["hy", "az", "ru", "tr"])
def test_each_sentence_is_translated_with_its_values(language: str) -> None:
    gettext = gettext_for(language)
    problems = {"lrn": "1 to 22 letters, digits or / . _ - starting with a letter or digit",
                "hs": "'5208' is not 6 digits", "mode": "value should be 'road' or 'rail'",
                "route": "the road route passes AM0NRN01, AM0AGR01"}  # fmt: skip
    shown = localise_problems(problems, gettext)
    for control, message in problems.items():
        assert shown[control] != message and shown[control] == gettext(shown[control])
    assert "'5208'" in shown["hs"] and "AM0NRN01, AM0AGR01" in shown["route"]
    assert gettext("road") in shown["route"]


def test_the_form_shows_its_problems_in_the_carrier_s_language(
    web: TestClient, people: dict[str, str], declaration_data: dict[str, Any]
) -> None:
    sign_in(web, people["carrier"], lang="az")
    form = lodging_form(declaration_data, csrf_of(web.get("/ui/lodge").text))
    item = "consignments[0].items[0]"
    short = form | {f"{item}.hs_code": "5208"}
    refused = web.post("/ui/lodge", data=short)
    assert refused.status_code == 422
    assert "6 rəqəm deyil" in refused.text and "is not 6 digits" not in refused.text
    heavy = form | {f"{item}.gross_mass_kg": "ağır", "touched": f"{item}.gross_mass_kg"}
    as_typed = web.post("/ui/lodge/validate", data=heavy).text
    assert "Rəqəm daxil edin" in as_typed and "valid decimal" not in as_typed
    twin = web.post("/ui/lodge/validate", data=heavy, headers=JSON).json()
    assert twin["errors"][f"{item}.gross_mass_kg"] == "value should be a valid decimal"
