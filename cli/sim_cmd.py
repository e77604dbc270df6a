"""`cchc sim serve`: run the simulated portal network (test and demo support) in the foreground."""
from __future__ import annotations

import click


@click.group("sim")
def sim_group() -> None:
    """The simulated portal network (an HTTP(S) proxy on 127.0.0.1 serving *.gov.vn portals)."""


@sim_group.command("serve")
@click.option("--port", type=int, default=8899, show_default=True, help="port on 127.0.0.1 (0 = any free port)")
@click.option("--day", type=int, default=1, show_default=True, help="simulated day (day 1 = 2026-03-02)")
@click.option("--seed", type=int, default=0, show_default=True, help="content seed")
@click.option("--extra-portals", type=int, default=0, show_default=True, help="generated portals for benchmarks")
@click.option("--write-registry", type=click.Path(dir_okay=False), default=None,
              help="write the registry CSV of the served portals here")
@click.option("--template-change", default=None, metavar="PORTAL_ID:DAY",
              help="from day DAY on, portal PORTAL_ID serves a client-rendered shell instead of its pages "
                   "(the drift canary's test; off by default; also CCHC_SIM_TEMPLATE_CHANGE)")
def serve_cmd(port: int, day: int, seed: int, extra_portals: int, write_registry: str | None,
              template_change: str | None) -> None:
    """Serve until interrupted; prints the proxy URL and the observed date."""
    from sim.__main__ import (
        serve,  # the simulator is imported only when this command runs
    )

    raise SystemExit(serve(port, day, seed, extra_portals, None, write_registry, template_change))


COMMANDS = [sim_group]
