"""`corridor witness`: run a witness of someone else's log (a state's or a monitor's).

    corridor witness init --name am-customs.witness.example --key am.key
    corridor witness add-log --state am.sqlite --origin tripp.corridor/log --vkey VKEY
    corridor witness serve --state am.sqlite --key am.key --port 7381

A witness keeps its own state file; it needs no corridor database.
"""

from __future__ import annotations

from pathlib import Path

import typer

from corridor.cli.common import console
from corridor.domain.errors import InvalidInput, PreconditionFailed
from corridor.ledger.note import NoteError
from corridor.witness.keys import WitnessKeyError, create_key, load_key
from corridor.witness.storage import SqliteWitnessStorage, WitnessStateError

witness_app = typer.Typer(
    help="Run a witness (C2SP tlog-witness) that cosigns a log's checkpoints.",
    no_args_is_help=True,
)

STATE_OPTION = typer.Option(..., "--state", help="The witness's own state file (SQLite).")
KEY_OPTION = typer.Option(..., "--key", help="The witness's private key file.")


def register(app: typer.Typer) -> None:
    app.add_typer(witness_app, name="witness")


@witness_app.command("init")
def init(
    name: str = typer.Option(
        ..., "--name", help="The witness's key name, a URL-like name, e.g. witness.example.org."
    ),
    key: Path = KEY_OPTION,
) -> None:
    """Generate the witness's cosigner key into a new file; print its verifier key."""
    try:
        signer = create_key(key, name)
    except WitnessKeyError as error:
        raise InvalidInput(str(error)) from None
    typer.echo(signer.verifier().vkey)


@witness_app.command("add-log")
def add_log(
    origin: str = typer.Option(..., "--origin", help="The log's origin line."),
    vkey: str = typer.Option(..., "--vkey", help="The log's verifier key (Ed25519)."),
    state: Path = STATE_OPTION,
) -> None:
    """Follow a log; creates the state file if needed.

    Logs are never forgotten; a second key for a known origin is added beside the first
    (key rotation). Restart a running witness to pick the change up.
    """
    try:
        storage = SqliteWitnessStorage(state, create=True)
    except WitnessStateError as error:
        raise PreconditionFailed(str(error)) from None
    try:
        added = storage.add_log(origin, vkey)
    except NoteError as error:
        raise InvalidInput(f"--vkey/--origin: {error}") from None
    finally:
        storage.close()
    console.print(f"{'following' if added else 'already following'} {origin} ({vkey})")


@witness_app.command("serve")
def serve(
    state: Path = STATE_OPTION,
    key: Path = KEY_OPTION,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(7380, "--port", min=0, max=65535, help="Port to listen on."),
    log_level: str = typer.Option("info", "--log-level", help="debug, info, warning, error."),
) -> None:
    """Answer POST /add-checkpoint (C2SP tlog-witness) until stopped."""
    import uvicorn

    from corridor.witness.server import create_app, open_witness

    try:
        witness, signer, storage = open_witness(state, key)
    except (WitnessKeyError, WitnessStateError) as error:
        raise PreconditionFailed(str(error)) from None
    logs = storage.known_logs()
    console.print(f"witness {signer.verifier().vkey}: following {', '.join(logs) or 'no log'}")
    try:
        uvicorn.run(create_app(witness, signer), host=host, port=port, log_level=log_level)
    finally:
        storage.close()


@witness_app.command("key")
def key_command(key: Path = KEY_OPTION) -> None:
    """Print the verifier key of an existing witness key file."""
    try:
        typer.echo(load_key(key).verifier().vkey)
    except WitnessKeyError as error:
        raise InvalidInput(str(error)) from None
