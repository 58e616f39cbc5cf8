"""`corridor screen`: screen names against watch lists, or one movement.

Mounted by the main CLI as `corridor screen`. Bad input prints one line on stderr and
exits with status 2.
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from corridor.screening.engine import Assessment, ScreeningEngine
from corridor.screening.errors import ScreeningError, SubjectError
from corridor.screening.goods import GoodsReference, default_data_dir
from corridor.screening.lists import ListSnapshot, ListSource, build_snapshot
from corridor.screening.matcher import Match, screen
from corridor.screening.parties import Dismissal
from corridor.screening.queries import query_from_dict
from corridor.screening.rules import ScreeningConfig
from corridor.screening.subject import subject_from_dict

screen_app = typer.Typer(help="Screen names and movements against watch lists and rules.")

ListOption = Annotated[
    list[str],
    typer.Option("--list", help="A watch list: PATH, NAME=PATH or NAME:FORMAT=PATH."),
]


@screen_app.command("names")
def names_command(
    input_path: Annotated[Path, typer.Option("--input", help="Queries, one JSON object a line.")],
    lists: ListOption,
    threshold: Annotated[float, typer.Option(help="Lowest score reported.")] = 0.5,
    limit: Annotated[int, typer.Option(help="Most matches per query.")] = 10,
) -> None:
    """Write one JSON line per query: its id and its matches, best first."""
    try:
        snapshot = _snapshot(lists)
        queries = [query_from_dict(line, where) for where, line in _query_lines(input_path)]
    except ScreeningError as error:
        _fail(str(error))
    for ident, query in queries:
        matches = screen(snapshot.index, query, threshold=threshold, limit=limit)
        line = {"id": ident, "matches": [_match(m) for m in matches]}
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")


@screen_app.command("movement")
def movement_command(
    subject_path: Annotated[Path, typer.Argument(help="The movement, as a screening subject.")],
    lists: ListOption = [],  # noqa: B006 - typer reads the default, never mutates it
    config: Annotated[
        Path | None, typer.Option(help="Corridor TOML; its [screening] table is used.")
    ] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Reference data folder.")] = None,
    seed: Annotated[str, typer.Option(help="Seed of the random control selection.")] = "",
    dismissals: Annotated[
        Path | None, typer.Option(help="JSON list of [entity_id, party_key] dismissed.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print the assessment of one movement: channel, reasons, list versions."""
    try:
        assessment = _assess(subject_path, lists, config, data_dir, seed, dismissals)
    except ScreeningError as error:
        _fail(str(error))
    if as_json:
        typer.echo(json.dumps(assessment.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(render(assessment))


def render(assessment: Assessment) -> str:
    """The assessment as an officer reads it: channel first, one line per reason."""
    lines = [f"movement {assessment.movement_ref}: {assessment.channel.value.upper()}"]
    lines += [f"  [{f.channel.value}] {f.text}" for f in assessment.findings]
    if not assessment.findings:
        lines.append("  no findings")
    lines += [f"  (dismissed earlier) {h.party.name} / {h.match.entity.entity_id}"
              for h in assessment.suppressed]  # fmt: skip
    lines += [
        f"  list {v.name} of {v.date} ({v.entities} entries, sha256 {v.sha256[:12]})"
        for v in assessment.list_versions
    ]
    return "\n".join(lines)


def _assess(
    subject_path: Path,
    lists: list[str],
    config_path: Path | None,
    data_dir: Path | None,
    seed: str,
    dismissals_path: Path | None,
) -> Assessment:
    subject = subject_from_dict(_read_json(subject_path))
    config = ScreeningConfig.from_dict(_screening_table(config_path))
    reference = GoodsReference.load(data_dir or default_data_dir())
    engine = ScreeningEngine.build(reference, config)
    dismissed = _dismissals(dismissals_path)
    return engine.assess(subject, _snapshot(lists), seed=seed, dismissals=dismissed)


def _snapshot(lists: list[str]) -> ListSnapshot:
    return build_snapshot([ListSource.parse(spec) for spec in lists])


def _query_lines(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise SubjectError(f"{path}: cannot read ({error})") from None
    for number, line in enumerate(lines, start=1):
        if line.strip():
            where = f"{path}:{number}"
            yield where, _parse_object(line, where)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return _parse_object(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as error:
        raise SubjectError(f"{path}: cannot read ({error})") from None


def _parse_object(text: str, where: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise SubjectError(f"{where}: not JSON ({error.msg})") from None
    if not isinstance(value, dict):
        raise SubjectError(f"{where}: expected a JSON object")
    return value


def _screening_table(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("screening", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SubjectError(f"{path}: cannot read corridor TOML ({error})") from None
    if not isinstance(table, dict):
        raise SubjectError(f"{path}: [screening] must be a table")
    return table


def _dismissals(path: Path | None) -> frozenset[Dismissal]:
    if path is None:
        return frozenset()
    try:
        pairs = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SubjectError(f"{path}: cannot read dismissals ({error})") from None
    if not isinstance(pairs, list) or not all(_is_pair(p) for p in pairs):
        raise SubjectError(f"{path}: dismissals must be a list of [entity_id, party_key]")
    return frozenset((str(p[0]), str(p[1])) for p in pairs)


def _is_pair(value: object) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)


def _match(match: Match) -> dict[str, Any]:
    return {
        "entity_id": match.entity.entity_id,
        "score": match.score,
        "list": match.entity.list_name,
        "schema": match.entity.schema,
        "caption": match.entity.caption,
        "reasons": [{"code": r.code, "effect": r.effect, "text": r.text} for r in match.reasons],
    }


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)
