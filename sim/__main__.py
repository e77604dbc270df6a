"""`python -m sim serve [--port 8899] [--day N] [--seed S] [--extra-portals N]`: run the network in the foreground."""
from __future__ import annotations

import argparse
import sys
import threading

from sim.network import SimNetwork


def serve(port: int, day: int, seed: int, extra_portals: int = 0, registry: str | None = None,
          write_registry: str | None = None) -> int:
    """Start the network, print how to reach it, block until interrupted."""
    net = SimNetwork(day=day, seed=seed, registry_path=registry, extra_portals=extra_portals).start(port=port)
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
    args = parser.parse_args(argv)
    return serve(args.port, args.day, args.seed, args.extra_portals, args.registry, args.write_registry)


if __name__ == "__main__":
    sys.exit(main())
