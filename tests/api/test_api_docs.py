"""The API's documents are current: the OpenAPI file, every problem type, every role,
every route, and the XML mapping's sample."""

from __future__ import annotations

import re

from corridor.api.openapi_document import openapi_text
from corridor.api.problems import API_PROBLEMS, DOMAIN_PROBLEMS
from corridor.api.schemas import ACTION_COMMANDS
from corridor.domain.network import Role
from corridor.paths import project_root
from corridor.store.codec import declaration_from_text
from corridor.xml_import import declaration_from_xml

DOCS = project_root() / "docs"
API_DOC = (DOCS / "api.md").read_text(encoding="utf-8")


def test_the_kept_openapi_document_is_the_served_one() -> None:
    kept = (DOCS / "openapi.json").read_text(encoding="utf-8")
    assert kept == openapi_text(), (
        "run: .venv/bin/python -m corridor.api.openapi_document > docs/openapi.json"
    )


def test_every_problem_type_is_documented_with_its_status() -> None:
    documented = dict(re.findall(r"^\| `([a-z-]+)` \| (\d{3}) \|", API_DOC, re.MULTILINE))
    expected = {kind: str(status) for status, kind in DOMAIN_PROBLEMS.values()}
    expected |= {kind: str(status) for kind, (status, _) in API_PROBLEMS.items()}
    assert documented == expected


def test_every_role_and_every_action_is_documented() -> None:
    for role in Role:
        assert f"| `{role}` |" in API_DOC, role
    for action in ACTION_COMMANDS:
        assert f"`{action}`" in API_DOC, action


def test_every_route_is_documented() -> None:
    import json

    paths = json.loads(openapi_text())["paths"]
    for path, operations in paths.items():
        if path.startswith("/log/"):
            continue
        generic = re.sub(r"/\{mrn\}/(?!events|assessment|amend)[a-z_]+$", "/{mrn}/{action}", path)
        for method in operations:
            assert f"{method.upper()} {generic}" in API_DOC, (method, path)


def test_the_xml_sample_is_the_json_example() -> None:
    examples = project_root() / "examples"
    xml = declaration_from_xml((examples / "road-horadiz-nakhchivan.xml").read_bytes())
    assert xml == declaration_from_text((examples / "road-horadiz-nakhchivan.json").read_bytes())
    mapping = (DOCS / "xml-mapping.md").read_text(encoding="utf-8")
    for element in re.findall(
        r"<([A-Za-z]+)[ >]", (examples / "road-horadiz-nakhchivan.xml").read_text()
    ):
        assert element in mapping, element
