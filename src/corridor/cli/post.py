"""`corridor post`: a checkpoint post's outbox, working with or without the network."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from corridor.cli.common import console, print_json
from corridor.domain.errors import InvalidInput
from corridor.domain.lifecycle import Action
from corridor.post.outbox import FORWARDABLE, Outbox, UrllibSender

post_app = typer.Typer(help="A checkpoint post's store-and-forward outbox.", no_args_is_help=True)
OUTBOX = typer.Option(
    Path("var/post-outbox.sqlite"),
    "--outbox",
    envvar="CORRIDOR_POST_OUTBOX",
    help="The outbox file.",
)


def register(app: typer.Typer) -> None:
    app.add_typer(post_app, name="post")


@post_app.command("queue")
def queue(
    action: Action = typer.Argument(..., help=f"The lifecycle action, one of {FORWARDABLE}."),
    mrn: str = typer.Argument(...),
    office: str | None = typer.Option(None, "--office"),
    field: list[str] = typer.Option(
        [], "--field", help="Another particular, KEY=JSON (repeatable)."
    ),
    outbox: Path = OUTBOX,
) -> None:
    """Record an action in the outbox now; `corridor post sync` forwards it."""
    particulars: dict[str, object] = {"office": office}
    for pair in field:
        key, sep, value = pair.partition("=")
        if not sep:
            raise InvalidInput(f"--field {pair!r}: KEY=VALUE")
        try:
            particulars[key] = json.loads(value)
        except json.JSONDecodeError:
            particulars[key] = value
    item = Outbox(outbox).queue(mrn, action, particulars)
    console.print(f"queued {item.path} as {item.key}")


@post_app.command("sync")
def sync(
    url: str = typer.Option(..., "--url", envvar="CORRIDOR_URL", help="The corridor's API."),
    token: str = typer.Option(..., "--token", envvar="CORRIDOR_TOKEN", help="The post's token."),
    outbox: Path = OUTBOX,
) -> None:
    """Forward every queued action, in order; what cannot go now stays queued."""
    report = Outbox(outbox).sync(UrllibSender(), url, token)
    outcome = f"sent {report.sent}: {report.done} done, {report.rejected} rejected"
    console.print(
        f"{outcome}; {report.pending} still queued"
        + (f" ({report.stopped_by})" if report.stopped_by else "")
    )


@post_app.command("status")
def status(outbox: Path = OUTBOX) -> None:
    """What the outbox holds: pending, done and rejected actions."""
    print_json([item.__dict__ for item in Outbox(outbox).items()])
