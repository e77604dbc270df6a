"""The `cchc` command: one click group; each area of the product adds its own sub-commands module.

Sub-command modules are listed explicitly (not discovered) so a broken import fails loudly.
"""
from __future__ import annotations

import importlib

import click

COMMAND_MODULES: list[str] = [
    "cli.db",
    "cli.export",
    "cli.sources",
    "cli.crawl",
    "cli.schedule",
    "cli.sim_cmd",
    "cli.extract_cmd",
    "cli.units",
    "cli.report",
    "cli.deadlines",
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cchc-watch")
def main() -> None:
    """CCHC Watch: crawl Vietnamese government portals for administrative-reform plans and TTHC widgets."""


for _name in COMMAND_MODULES:
    for _cmd in importlib.import_module(_name).COMMANDS:
        main.add_command(_cmd)
