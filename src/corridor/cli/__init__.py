"""The `corridor` command: a thin layer over the services.

Every error a user can cause prints one line on stderr and exits with status 2.
"""

from __future__ import annotations

import typer

from corridor.cli import actions as actions
from corridor.cli import common as common
from corridor.cli import document as document
from corridor.cli import load as load
from corridor.cli import log as log
from corridor.cli import monitor as monitor
from corridor.cli import movements as movements
from corridor.cli import post as post
from corridor.cli import reviews as reviews
from corridor.cli import serve as serve
from corridor.cli import simulate as simulate
from corridor.cli import system as system
from corridor.cli import users as users
from corridor.cli import witness as witness
from corridor.domain.errors import CorridorError
from corridor.screening.cli import screen_app

app = typer.Typer(
    help="corridor: customs transit along a land corridor, with a log every party can verify.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.callback()(common.global_options)
system.register(app)
movements.register(app)
actions.register(app)
document.register(app)
serve.register(app)
simulate.register(app)
users.register(app)
log.register(app)
load.register(app)
post.register(app)
monitor.register(app)
witness.register(app)
reviews.register(screen_app)
app.add_typer(screen_app, name="screen", help="Screen names and movements against watch lists.")


def main() -> None:
    """Run the command; usage errors (exit 2) are click's, domain errors one line, exit 2."""
    try:
        app()
    except CorridorError as error:
        common.fail(str(error.detail))
