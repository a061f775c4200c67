"""The command line. Click parses arguments; the work is done by plain functions elsewhere."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from . import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SEVERITIES = click.Choice(["error", "warning", "info"], case_sensitive=False)


def _split(values: tuple[str, ...]) -> list[str] | None:
    out = [v.strip() for value in values for v in value.split(",") if v.strip()]
    return out or None


def _use_color(stream: Any) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)()) and "NO_COLOR" not in os.environ


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="servicespec")
def cli() -> None:
    """Lint and draw service design specifications.

    \b
    servicespec init my-service.yaml      write a starter spec
    servicespec lint specs/               check specs for design gaps
    servicespec render spec.yaml -o x.svg draw the service blueprint
    servicespec explain SS402             why a rule exists, with examples
    servicespec diff --base main specs/   what a change does to the service
    servicespec site specs/ -o site/      a web page of every service for stakeholders
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "formats", multiple=True, default=("text",), show_default=True,
              help="Output format: text, json, sarif, github, junit. Repeat with --output "
              "for several.")
@click.option("--output", "outputs", multiple=True, type=click.Path(dir_okay=False),
              help="Write the Nth --format to this file instead of standard output.")
@click.option("--select", multiple=True, help="Only these rule codes or prefixes (SS4,SS601).")
@click.option("--ignore", multiple=True, help="Skip these rule codes or prefixes.")
@click.option("--fail-on", type=SEVERITIES, help="Exit 1 at findings of this severity or "
              "above (default: error).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Use this servicespec.toml or pyproject.toml instead of searching.")
@click.option("--stdin-filename", help="The name to report for `-` (standard input).")
@click.option("--baseline", type=click.Path(dir_okay=False),
              help="Report only findings this baseline file does not list.")
@click.option("--write-baseline", type=click.Path(dir_okay=False),
              help="Record today's findings in this baseline file.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Lint in this many processes "
              "(default: one per core when there are many files).")
@click.option("--no-cache", is_flag=True, help="Lint every file again: neither read nor write "
              ".servicespec_cache/ (the cache never changes the output).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings (report "
              "only); usage and configuration errors still exit 2.")
def lint(paths: tuple[str, ...], formats: tuple[str, ...], outputs: tuple[str, ...],
         select: tuple[str, ...], ignore: tuple[str, ...], fail_on: str | None,
         config_path: str | None, stdin_filename: str | None, baseline: str | None,
         write_baseline: str | None, jobs: int | None, no_cache: bool, exit_zero: bool) -> None:
    """Check spec files and folders (recursively: .yaml, .yml, .json; `-` for stdin)."""
    from .commands import run_lint

    code = run_lint(paths, formats=formats, outputs=outputs, select=_split(select),
                    ignore=_split(ignore), fail_on=fail_on, config_path=config_path,
                    stdin_filename=stdin_filename, color=_use_color(sys.stdout),
                    baseline=baseline, write_baseline=write_baseline, jobs=jobs,
                    cache=not no_cache)
    sys.exit(EXIT_CLEAN if exit_zero and code == EXIT_FINDINGS else code)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--base", metavar="REF", help="Compare the working tree with this git revision "
              "(PATHS: spec files or folders, default: all).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text",
              show_default=True, help="markdown suits a pull-request comment.")
@click.option("--output", type=click.Path(dir_okay=False), help="Write to this file.")
@click.option("--fail-on", type=SEVERITIES, help="Exit 1 when the change introduces findings "
              "of this severity or above (default: error).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Use this servicespec.toml or pyproject.toml instead of searching.")
def diff(paths: tuple[str, ...], base: str | None, fmt: str, output: str | None,
         fail_on: str | None, config_path: str | None) -> None:
    """What changed between two specs (OLD NEW) in service-design terms, and the findings the
    change introduces and fixes."""
    from .commands import run_diff

    sys.exit(run_diff(paths, base=base, fmt=fmt, output=output, fail_on=fail_on,
                      config_path=config_path))


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the format (for editors and other tools)."""
    from .schema import schema_text

    click.echo(schema_text(), nl=False)


@cli.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--library", is_flag=True,
              help="Write a starter library (shared channels and roles; default library.yaml).")
def init(file: str | None, library: bool) -> None:
    """Write a commented starter spec to FILE (default service.yaml; never overwrites)."""
    from .commands import run_init

    sys.exit(run_init(file or ("library.yaml" if library else "service.yaml"), library))


_CONFIG_OPTION = click.option(
    "--config", "config_path", type=click.Path(exists=True, dir_okay=False),
    help="Use this servicespec.toml or pyproject.toml instead of searching.")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@_CONFIG_OPTION
def rules(fmt: str, config_path: str | None) -> None:
    """List every rule: code, name, severity and summary; then the organisation policies of
    the configuration."""
    from .commands import _config_error, _fail, rules_listing

    try:
        text = rules_listing(fmt, config_path)
    except _config_error() as exc:
        sys.exit(_fail(str(exc)))
    click.echo(text, nl=False)


@cli.command()
@click.argument("rule")
@_CONFIG_OPTION
def explain(rule: str, config_path: str | None) -> None:
    """Show a rule's documentation with a bad and a good example (code or name), or an
    organisation policy's."""
    from .commands import _config_error, _fail, explain_rule
    from .textutil import terminal_safe

    try:
        text = explain_rule(rule, config_path)
    except _config_error() as exc:
        sys.exit(_fail(str(exc)))
    if text is None:
        raise click.BadParameter(f"no rule '{terminal_safe(rule)}' (see `servicespec rules`)",
                                 param_hint="RULE")
    click.echo(text, nl=False)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True,
              help="The file to write (format from its extension), a folder (for several "
              "specs), or `-` for standard output.")
@click.option("--format", "fmt", type=click.Choice(["svg", "png", "pdf", "dot"],
              case_sensitive=False), help="Output format (default: the file's extension; "
              "svg for a folder).")
@click.option("--view", type=click.Choice(["blueprint", "journey", "offering"]),
              default="blueprint", show_default=True, help="blueprint: steps across the five "
              "lanes; journey: the customer's path with touchpoints, channels and metrics; "
              "offering: the Flower of Service and its channels.")
@click.option("--findings", is_flag=True, help="Lint the specs and draw the findings as "
              "badges on the elements they concern.")
@click.option("--paper", type=click.Choice(["a3", "a4"], case_sensitive=False),
              help="Print the blueprint on pages of this size (a PDF): split by phase, then "
              "by step count, with text of 7 pt or more.")
@click.option("--landscape", is_flag=True, help="Turn the --paper pages sideways.")
@click.option("--scenario", metavar="ID", help="Draw this scenario (a variant or exception "
              "of `blueprint.scenarios`) as a journey of its own, named by where it leaves "
              "and rejoins the main journey.")
def render(paths: tuple[str, ...], output: str, fmt: str | None, view: str,
           findings: bool, paper: str | None, landscape: bool, scenario: str | None) -> None:
    """Draw specs as service blueprints (svg, png, pdf or dot) with Graphviz."""
    from .drawing import run_render

    sys.exit(run_render(paths, output=output, fmt=fmt, view=view, findings=findings,
                        paper=paper.lower() if paper else None, landscape=landscape,
                        scenario=scenario))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="The folder to write the site into (replaced whole when it holds an "
              "earlier site; any other folder must be empty).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Use this servicespec.toml or pyproject.toml instead of searching.")
def site(paths: tuple[str, ...], output: str, config_path: str | None) -> None:
    """Write the stakeholder site: every service's blueprint, gaps and metrics as static
    pages that open from the file system or any static host."""
    from .site.command import run_site

    sys.exit(run_site(paths, output=output, config_path=config_path))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="The port on 127.0.0.1 (0: any free port).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Use this servicespec.toml or pyproject.toml instead of searching.")
def serve(paths: tuple[str, ...], port: int, config_path: str | None) -> None:
    """Preview the site while writing specs: served on 127.0.0.1, rebuilt on save, and the
    open page reloads."""
    from .site.command import run_serve

    sys.exit(run_serve(paths, port=port, config_path=config_path))


@cli.command()
@click.option("--stdio", is_flag=True, help="Talk over standard input and output (the "
              "default and only transport; editors pass it out of habit).")
def lsp(stdio: bool) -> None:
    """The language server for editors (Language Server Protocol over standard input and
    output): findings as you type, hover, completion, navigation and quick fixes. Needs the
    `lsp` extra: pip install 'servicespec[lsp]'."""
    try:
        from .lsp.server import make_server  # pygls and lsprotocol: the `lsp` extra
    except ImportError as exc:
        click.echo(f"servicespec lsp: {exc.name or exc} is not installed: install the "
                   "language server's dependencies with pip install 'servicespec[lsp]'",
                   err=True)
        sys.exit(EXIT_ERROR)
    make_server().start_io()  # until the editor says exit


def main() -> None:
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug in servicespec, not in the user's input
        if os.environ.get("SERVICESPEC_DEBUG"):
            raise
        from .textutil import terminal_safe

        problem = terminal_safe(f"{type(exc).__name__}: {exc}")
        click.echo(f"servicespec: internal error: {problem}\n"
                   "This is a bug in servicespec: please report it with the command and the "
                   "spec that caused it (SERVICESPEC_DEBUG=1 shows the traceback).", err=True)
        sys.exit(EXIT_ERROR)
