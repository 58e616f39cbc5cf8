"""Generate the CLI reference (docs/cli.md) from the commands' own help.

``python -m corridor.cli.reference > docs/cli.md``; a test checks the file is current.
"""

from __future__ import annotations

import contextlib
import io
import os
from typing import Any

import typer

from corridor.cli import app

WIDTH = "100"


def reference() -> str:
    root = typer.main.get_command(app)
    lines = [
        "# corridor command reference",
        "",
        "Generated from the commands' help by `python -m corridor.cli.reference > docs/cli.md`;",
        "a test fails when it is out of date.",
        "",
    ]
    for path, command in _walk(root, ("corridor",)):
        lines += _section(path, command)
    return "\n".join(lines).rstrip() + "\n"


def _walk(command: Any, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
    found = [(path, command)]
    for name in sorted(getattr(command, "commands", {})):
        found += _walk(command.commands[name], (*path, name))
    return found


def _section(path: tuple[str, ...], command: Any) -> list[str]:
    context = command.context_class(command, info_name=" ".join(path))
    buffer = io.StringIO()
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH  # rich sizes the help panels from it
    try:
        with contextlib.redirect_stdout(buffer):
            text = command.get_help(context)
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous
    body = "\n".join(line.rstrip() for line in (buffer.getvalue() or text).strip("\n").splitlines())
    level = "#" * min(len(path) + 1, 4)
    return [f"{level} `{' '.join(path)}`", "", "```", body, "```", ""]


if __name__ == "__main__":
    print(reference(), end="")
