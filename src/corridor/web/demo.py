"""`make demo`'s last step: one sign-in per role on the demo database, then the server.

Run as ``python -m corridor.web.demo`` with ``CORRIDOR_DB`` set; prints the URL and the
tokens, then becomes ``corridor serve`` on 127.0.0.1:8000 until Ctrl-C.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

from corridor import accounts, services
from corridor.bootstrap import bootstrap
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.store.repository import MovementFilter

HOST, PORT = "127.0.0.1", 8000


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
    finally:
        ctx.close()
    url = f"http://{HOST}:{PORT}/ui/"
    print(f"\ncorridor is at {url} (Ctrl-C stops it). Sign in with one of these tokens:\n")
    for what, done in issued:
        print(f"  {what:30} {done.token}")
    print(f"\nThe API is at http://{HOST}:{PORT}/docs; the same tokens work as bearer tokens.\n")
    sys.stdout.flush()
    corridor = str(Path(sys.executable).with_name("corridor"))
    os.execv(corridor, [corridor, "serve", "--host", HOST, "--port", str(PORT)])


if __name__ == "__main__":
    main()
