"""`python -m sim serve` prints the proxy URL and the observed date; `cchc sim` is registered."""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_python_m_sim_serve_prints_proxy_and_date() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "sim", "serve", "--port", "0", "--day", "3", "--seed", "2"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()  # type: ignore[union-attr]
        second = proc.stdout.readline()  # type: ignore[union-attr]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert re.fullmatch(r"proxy: http://127\.0\.0\.1:\d+\n", first)
    assert second == "observed_on: 2026-03-04 (day 3, seed 2)\n"


def test_cchc_sim_group_is_registered() -> None:
    src = (ROOT / "cli" / "__init__.py").read_text(encoding="utf-8")
    assert '"cli.sim_cmd"' in src
    # loaded from its file so a broken sibling module of cli/ cannot fail this test
    spec = importlib.util.spec_from_file_location("cli_sim_cmd_under_test", ROOT / "cli" / "sim_cmd.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    COMMANDS = module.COMMANDS
    assert [c.name for c in COMMANDS] == ["sim"] and "serve" in COMMANDS[0].commands
