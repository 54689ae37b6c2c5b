"""The ``pmo-workbench`` command: the Typer application, its shared options and its one error handler.

Exit codes: 0 success, 2 invalid input or usage (each problem on stderr as
``path:row:column: message``), 1 when work failed or the environment did (a
full disk, an I/O error). Commands that write files print each written path
on its own line on stdout. No Python traceback reaches a user unless
``--debug`` is given; every error becomes one line (or one line per problem).

The commands live in :mod:`.assess`, :mod:`.instrument`, :mod:`.reports`,
:mod:`.portfolio` and :mod:`.store`; each registers itself on :data:`app` (or a
sub-application) here.
"""

from __future__ import annotations

import datetime as dt

import errno
import logging
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from typer.core import TyperGroup

from .. import __version__
from ..errors import FileError, InputValidationError, PdfUnavailableError, PmoWorkbenchError, ReportError

CONTEXT = {"help_option_names": ["-h", "--help"]}
_DEBUG = {"on": False}  # set by main() when --debug stands anywhere on the command line


class _Handled(TyperGroup):
    """The root command group: every error of every command becomes a message and an exit code here."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SystemExit:
            raise
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(130) from None
        except Exception as exc:
            if _DEBUG["on"] or ctx.params.get("debug") or _is_cli_exception(exc):
                raise
            for line in describe(exc):
                typer.echo(line, err=True)
            raise typer.Exit(exit_code(exc)) from None


def _is_cli_exception(exc: BaseException) -> bool:
    """Exits, aborts and usage errors of the command-line framework, which it handles itself."""
    return type(exc).__module__.split(".")[0] in ("typer", "click")


app = typer.Typer(
    cls=_Handled,
    name="pmo-workbench",
    help="Assess PMOs (project management offices) and report on the portfolios they run.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings=CONTEXT,
)
template_app = typer.Typer(help="Write blank intake files.", no_args_is_help=True, context_settings=CONTEXT)
app.add_typer(template_app, name="template")
report_app = typer.Typer(help="Render one report.", no_args_is_help=True, context_settings=CONTEXT)
app.add_typer(report_app, name="report")
store_app = typer.Typer(help="Keep every assessment in one database: init, import, export, list.",
                        no_args_is_help=True, context_settings=CONTEXT)
app.add_typer(store_app, name="store")
instrument_app = typer.Typer(help="Judge the instrument itself over a cohort of respondents.", no_args_is_help=True,
                             context_settings=CONTEXT)
app.add_typer(instrument_app, name="instrument")

InstrumentOption = Annotated[
    str, typer.Option("--instrument", "-i", help="Built-in instrument id or path to an instrument YAML file.")
]
ResponsesArgument = Annotated[
    Path | None, typer.Argument(help="Responses file (.csv, .xlsx), long or wide form.")
]
StoreUrlOption = Annotated[
    str | None, typer.Option("--store", help="Assessment store (URL or SQLite file), instead of a responses file.")
]
AssessmentsOption = Annotated[
    list[int] | None, typer.Option("--assessment", help="Assessment id in --store (repeat for several; default: all).")
]
OutFileOption = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")]
EngagementOption = Annotated[
    Path | None, typer.Option("--engagement", help="Engagement file (targets, context, evidence per PMO); default: "
                              "engagement.yaml beside the responses.")
]
TargetsOption = Annotated[
    Path | None, typer.Option("--targets", help="File of target types per PMO (the engagement format); its "
                              "targets win over the engagement file's.")
]


def _language(value: str | None) -> str | None:
    """A ``--language`` value as the code the package speaks; a language it does not speak: usage error, exit 2."""
    if value is None:
        return None
    from ..i18n import report_language

    try:
        return report_language(value)
    except ValueError as exc:
        usage(f"--language: {exc}")


LanguageOption = Annotated[
    str | None, typer.Option("--language", callback=_language,
                             help="Language of the report (en, de); default: the engagement file's, else en.")
]


CellTimeoutOption = Annotated[
    int, typer.Option("--cell-timeout", min=1, help="Seconds a notebook cell may run before its report fails.")
]


class Form(StrEnum):
    long = "long"
    wide = "wide"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"pmo-workbench {__version__}")
        raise typer.Exit(0)


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.", is_eager=True,
                                          callback=_print_version)] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks and solver diagnostics.")] = False,
) -> None:
    """Assess PMOs (project management offices) and report on the portfolios they run."""
    if debug:
        logging.getLogger("pmo_workbench").setLevel(logging.DEBUG)


def console() -> Console:
    """A console for stdout: the terminal's width, or 170 columns when piped to a file."""
    if sys.stdout.isatty():
        return Console()
    return Console(width=170)


def emit(out: Path | None, text: str | None = None, table=None) -> None:
    """Write a command's output: ``text`` (JSON, CSV), or ``table(console)`` printing a rich table; to ``out``
    (atomically, then its path is printed) or to stdout."""
    import io

    from .._io import write_text

    if table is not None:
        buffer = io.StringIO()
        table(Console(file=buffer, width=170) if out else console())
        text = buffer.getvalue() if out else ""
    if out is not None:
        typer.echo(str(write_text(out, text or "")))
    elif text:
        sys.stdout.write(text)


def date_option(value: str | dt.datetime) -> dt.datetime:
    """A date option (``--as-of``, ``--fieldwork-start``) through the package's one date reader: ``YYYY-MM-DD`` from
    1950 to 2150, else a usage error naming the option and the value (exit 2)."""
    if isinstance(value, dt.datetime):
        return value
    from .._values import date_problem

    date, message = date_problem(value)
    if message is not None or date is None:
        raise typer.BadParameter(message or "expected a date as YYYY-MM-DD")
    return dt.datetime.combine(date, dt.time())


def usage(message: str) -> NoReturn:
    """A usage error: ``error: message`` on stderr, exit 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def check_folder(folder: Path, option: str = "--out") -> None:
    """Refuse an output folder that is a file (usage error, before any work)."""
    if folder.exists() and not folder.is_dir():
        usage(f"{option} {folder} is a file; give a folder")


def check_out(out: Path | None) -> None:
    """Refuse an output path that is a folder, or whose parent is a file (usage error, before any work)."""
    if out is None:
        return
    if out.is_dir():
        usage(f"--out {out} is a folder; give a file name")
    parent = next((p for p in out.parents if p.exists()), None)
    if parent is not None and not parent.is_dir():
        usage(f"--out {out}: {parent} is a file, not a folder")


def template_target(out: Path, language: str | None) -> str:
    """Check a ``template`` command's output file (``.xlsx`` or ``.csv``) and language; the language's code."""
    from ..i18n import check_language

    check_out(out)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        usage(f"--out must end in .xlsx or .csv, got '{out.name}'")
    try:
        return check_language(language)
    except ValueError as exc:
        usage(f"--language: {exc}")


# -- errors ---------------------------------------------------------------------------------------

_ENVIRONMENT = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.ENOMEM, errno.EMFILE, errno.ENFILE,
                          errno.EAGAIN, errno.EBUSY, errno.ETIMEDOUT})
"""OS errors that are the machine's fault, not the path's: exit 1 rather than 2."""


def exit_code(exc: BaseException) -> int:
    """2 for bad input or a bad path the user gave, 1 for work that failed or the environment."""
    if isinstance(exc, (ReportError, PdfUnavailableError)):
        return 1
    if isinstance(exc, FileError):
        return 1 if exc.errno in _ENVIRONMENT else 2
    if isinstance(exc, OSError):
        return 1 if exc.errno in _ENVIRONMENT else 2
    if isinstance(exc, PmoWorkbenchError):
        return 2
    return 1


def describe(exc: BaseException) -> list[str]:
    """The lines a user sees for an error: one per problem of an input, else one."""
    if isinstance(exc, InputValidationError):
        n = len(exc.problems)
        return [*(str(p) for p in exc.problems), f"{n} problem{'s' if n != 1 else ''} found; nothing was written."]
    if isinstance(exc, PmoWorkbenchError):
        return [f"error: {exc}"]
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return [f"error: cannot use{where}: {exc.strerror or exc}"]
    if isinstance(exc, MemoryError):
        return ["error: out of memory"]
    return [f"error: {type(exc).__name__}: {exc} (an internal error; run again with --debug for the traceback, "
            "and report it)"]


def _flags(args: list[str]) -> tuple[list[str], bool, bool]:
    """``--debug`` and ``--version`` wherever they stand (before a ``--``), and the rest of the arguments."""
    end = args.index("--") if "--" in args else len(args)
    head, tail = args[:end], args[end:]
    debug, version = "--debug" in head, "--version" in head
    return [a for a in head if a != "--debug"] + tail, debug, version


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script.

    ``--debug`` and ``--version`` work wherever they stand; errors are handled
    by the root group (:class:`_Handled`), so the application behaves the same
    when a test invokes it directly.
    """
    from . import (  # noqa: F401 - each registers its commands
        assess, benchmark, engagement, instrument, invitations, overview, portfolio, reports, serve, store)

    args, debug, version = _flags(list(sys.argv[1:] if argv is None else argv))
    if version:
        typer.echo(f"pmo-workbench {__version__}")
        raise SystemExit(0)
    _DEBUG["on"] = debug
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(name)s: %(message)s")
    app(args=args, prog_name="pmo-workbench")


# -- waves: one assessment of a PMO among several in the answers ---------------------------------------------------

WaveOption = Annotated[
    str | None,
    typer.Option("--wave", help="The wave to report on when the answers hold several (a wave column, or the "
                                "store's waves); default: each PMO's latest.", show_default=False),
]


def chosen_wave(frame, wave: str | None, *, organisation: str | None = None, pmo: str | None = None,
                where: str = "responses"):
    """The rows of one wave of each PMO (:func:`~pmo_workbench.assessment.waves.choose_wave`); says on stderr
    which wave was taken for a PMO with several when none was named."""
    from ..assessment.waves import choose_wave

    kept, notes = choose_wave(frame, wave, organisation=organisation, pmo=pmo, where=where)
    for note in notes:
        typer.echo(f"note: {note}", err=True)
    return kept
