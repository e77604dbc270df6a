"""`python -m sim serve [--port 8899] [--day N] [--seed S] [--extra-portals N] [--template-change PORTAL_ID:DAY]`:
run the network in the foreground."""
from __future__ import annotations

import argparse
import sys
import threading

from sim.network import SimNetwork


def serve(port: int, day: int, seed: int, extra_portals: int = 0, registry: str | None = None,
          write_registry: str | None = None, template_change: str | None = None) -> int:
    """Start the network, print how to reach it, block until interrupted."""
    from sim.redesign import TemplateChangeError

    try:
        net = SimNetwork(day=day, seed=seed, registry_path=registry, extra_portals=extra_portals,
                         template_change=template_change)
    except TemplateChangeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    net.start(port=port)
    if net.template_change is not None:
        print(f"template change: {net.template_change.portal_id} serves a client-rendered shell from day "
              f"{net.template_change.day}", flush=True)
    if write_registry:
        net.write_registry(write_registry)
    print(f"proxy: {net.proxy_url}", flush=True)
    print(f"observed_on: {net.observed_on.isoformat()} (day {day}, seed {seed})", flush=True)
    print(f"ca: {net.ca_pem_path}", flush=True)
    print(f"export http_proxy={net.proxy_url} https_proxy={net.proxy_url} CCHC_OBSERVED_ON={net.observed_on.isoformat()}",
          flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        net.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim", description="The simulated CCHC portal network.")
    sub = parser.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve", help="serve the network as an HTTP(S) proxy on 127.0.0.1")
    s.add_argument("--port", type=int, default=8899)
    s.add_argument("--day", type=int, default=1)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--extra-portals", type=int, default=0)
    s.add_argument("--registry", default=None, help="registry CSV (default crawler/data/portals.csv)")
    s.add_argument("--write-registry", default=None, help="also write the served portals' registry CSV here")
    s.add_argument("--template-change", default=None, metavar="PORTAL_ID:DAY",
                   help="that portal changes its template on that day (off by default)")
    args = parser.parse_args(argv)
    return serve(args.port, args.day, args.seed, args.extra_portals, args.registry, args.write_registry,
                 args.template_change)


if __name__ == "__main__":
    sys.exit(main())
