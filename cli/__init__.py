"""The `cchc` command: one click group; each area of the product adds its own sub-commands module.

Sub-command modules are listed explicitly (not discovered) so a broken import fails loudly. A usage
error (an unknown option, a value of the wrong type, a missing argument) is one ``error:`` line and
exit status 2 like every other bad input, not click's usage block (`CchcGroup`).
"""
from __future__ import annotations

import importlib
from typing import IO, Any

import click
from click.exceptions import NoArgsIsHelpError


class OneLineUsageError(click.UsageError):
    """A usage error shown as ONE ``error:`` line naming the command's help (exit status 2)."""

    def show(self, file: IO[Any] | None = None) -> None:
        hint = f" (see `{self.ctx.command_path} --help`)" if self.ctx is not None else ""
        message = " ".join(self.format_message().split())  # click lists choices on several lines
        click.echo(f"error: {message}{hint}", err=True)


def _one_line(exc: click.UsageError) -> click.UsageError:
    if isinstance(exc, (OneLineUsageError, NoArgsIsHelpError)):
        return exc  # `cchc report` alone: the help is the answer
    return OneLineUsageError(exc.format_message(), exc.ctx)


class CchcGroup(click.Group):
    """The top-level group: its own and its sub-commands' usage errors become `OneLineUsageError`."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise _one_line(exc) from None

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import only the module of the command asked for when it is known to stand alone
        (`LIGHT_COMMANDS`), so `cchc report coverage --help` does not import the crawler; else all."""
        if cmd_name not in self.commands:
            load_commands(LIGHT_COMMANDS.get(cmd_name))
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        load_commands()
        return super().list_commands(ctx)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _one_line(exc) from None

COMMAND_MODULES: list[str] = [
    "cli.db",
    "cli.export",
    "cli.sources",
    "cli.sources_country",  # adds `sources generate|probe|review` to the sources group
    "cli.crawl",
    "cli.worker",     # `cchc worker` (joins a run of `cchc crawl --workers N`)
    "cli.schedule",
    "cli.sim_cmd",
    "cli.extract_cmd",
    "cli.units",
    "cli.report",
    "cli.deadlines",
    "cli.alerts",
    "cli.evidence",   # also adds `db prune` to the db group
]
#: Commands whose module adds nothing to other modules' groups and needs none of them (issue 12:
#: `cchc report coverage --help` < 0.3 s): only that module is imported to run them. `crawl` too: the
#: other command modules imported Alembic (`cli.db`) and the extractor with trafilatura
#: (`cli.extract_cmd`) into every daily crawl's process, about a twentieth of an unchanged day's CPU.
LIGHT_COMMANDS: dict[str, str] = {"report": "cli.report", "review": "cli.report", "serve": "cli.report",
                                  "crawl": "cli.crawl", "demo": "cli.crawl"}
_loaded: set[str] = set()


def load_commands(module: str | None = None) -> None:
    """Register the commands of `module`, or of every module in COMMAND_MODULES (each once)."""
    for name in [module] if module else COMMAND_MODULES:
        if name not in _loaded:
            _loaded.add(name)
            for cmd in importlib.import_module(name).COMMANDS:
                main.add_command(cmd)


@click.group(cls=CchcGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cchc-watch")
def main() -> None:
    """CCHC Watch: crawl Vietnamese government portals for administrative-reform plans and TTHC widgets."""

