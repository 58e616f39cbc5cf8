"""`make demo`'s last step: one sign-in per role on the demo database, work waiting at
the desks, then the server.

Run as ``python -m corridor.web.demo`` with ``CORRIDOR_DB`` set; prints the URL, the
tokens and the movements waiting, then becomes ``corridor serve`` on 127.0.0.1:8000
until Ctrl-C. The simulated days end with every movement decided; so that each console
has something to do, three declarations are lodged now for customs at Horadiz to decide,
and one is released for the checkpoint officer at Nrnadzor to scan.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

from corridor import accounts, log_service, services
from corridor.bootstrap import Context, bootstrap
from corridor.domain.commands import ControlKind
from corridor.domain.errors import CorridorError
from corridor.domain.lifecycle import MovementState
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.paths import project_root
from corridor.store.codec import declaration_from_json
from corridor.store.repository import MovementFilter

HOST, PORT = "127.0.0.1", 8000
EXAMPLE = project_root() / "examples" / "road-horadiz-nakhchivan.json"
CUSTOMS_AZ = Principal("demo-customs-az", Role.CUSTOMS, state="AZ")


def demo_principals(busiest_holder: str) -> list[tuple[str, Principal]]:
    return [
        ("carrier", Principal("demo-carrier", Role.CARRIER, holder=busiest_holder)),
        ("customs (Azerbaijan)", Principal("demo-customs-az", Role.CUSTOMS, state="AZ")),
        ("customs (Armenia)", Principal("demo-customs-am", Role.CUSTOMS, state="AM")),
        ("checkpoint officer, Nrnadzor",
         Principal("demo-checkpoint-nrn", Role.FRONT_OFFICE, office="AM0NRN01")),
        ("operator", Principal("demo-operator", Role.OPERATOR)),
        ("monitor", Principal("demo-monitor", Role.MONITOR)),
    ]  # fmt: skip


def main() -> None:
    ctx = bootstrap()
    try:
        movements = services.list_movements(ctx, MovementFilter(limit=100_000))
        holders = Counter(m.holder for m in movements)
        busiest = holders.most_common(1)[0][0] if holders else "AZE/041/00217"
        issued = [(what, accounts.add_principal(ctx, p)) for what, p in demo_principals(busiest)]
        waiting, to_scan = desk_work(ctx)
    finally:
        ctx.close()
    url = f"http://{HOST}:{PORT}/ui/"
    print(f"\ncorridor is at {url} (Ctrl-C stops it). Sign in with one of these tokens:\n")
    for what, done in issued:
        print(f"  {what:30} {done.token}")
    print(f"\nWaiting for customs at Horadiz: {', '.join(waiting)}")
    if to_scan:
        print(
            f"Released, to scan at Nrnadzor: {to_scan} (its document: "
            f"http://{HOST}:{PORT}/movements/{to_scan}/document.pdf)"
        )
    print(f"\nThe API is at http://{HOST}:{PORT}/docs; the same tokens work as bearer tokens.\n")
    sys.stdout.flush()
    corridor = str(Path(sys.executable).with_name("corridor"))
    os.execv(corridor, [corridor, "serve", "--host", HOST, "--port", str(PORT)])


if __name__ == "__main__":
    main()


def desk_work(ctx: Context) -> tuple[list[str], str | None]:
    """Lodge the example declaration four times (the same LRNs again on a second run:
    the same movements), and release the last; its MRN, unless customs may not release
    it yet (a control or a screening hit to decide first: then it waits with the rest)."""
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    holder = Principal("demo-desk", Role.CARRIER, holder=data["holder"]["identification_number"])
    mrns = [
        services.lodge(
            ctx, declaration_from_json(data | {"lrn": f"DEMO-DESK-{n}"}), holder
        ).movement.mrn
        for n in range(1, 5)
    ]
    try:
        _release(ctx, mrns[-1])
    except CorridorError:
        return mrns, None
    log_service.integrate_all(ctx)  # the document is printable at once
    return mrns[:-1], mrns[-1]


def _release(ctx: Context, mrn: str) -> None:
    movement = services.get_movement(ctx, mrn)
    if movement.state is MovementState.LODGED:
        movement = services.accept(ctx, mrn, CUSTOMS_AZ, "AZ0HRD01")
    required = movement.risk.control_required() if movement.risk else frozenset()
    if movement.state is MovementState.ACCEPTED and required:
        kind = ControlKind("physical" if "physical" in required else min(required))
        movement = services.control(ctx, mrn, CUSTOMS_AZ, kind, "AZ0HRD01")
    if movement.state in (MovementState.ACCEPTED, MovementState.UNDER_CONTROL):
        services.release(ctx, mrn, CUSTOMS_AZ, ("AZ-DEMO-01", "AZ-DEMO-02"), "AZ0HRD01")
