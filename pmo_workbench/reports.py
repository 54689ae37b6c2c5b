"""Report rendering: papermill notebooks to self-contained HTML, PDF and the executed notebook.

One report is a :class:`ReportSpec` (which notebook, its parameters, the files
it reads). :func:`render` runs one; :func:`run_batch` runs many in parallel,
skips those whose inputs have not changed, and writes ``index.html``.

How a report is made:

1. the parameters are checked against the notebook's ``parameters`` cell
   (:func:`check_parameters`) before any kernel starts;
2. papermill executes the notebook through its API with an explicit kernel
   name, absolute paths and a per-cell timeout. Kernels are forked from a warm
   template (:mod:`pmo_workbench._kernels`) and use the ``ipc`` transport;
3. the executed notebook is kept beside the report (``<name>.ipynb``); a
   notebook that raised is kept under ``failed/`` and nothing else is written;
4. :func:`export_html` makes one HTML file with the house template from
   ``templates/report/``: no code, no prompts, charts as inline SVG plus the
   vega bundle that lets them become interactive, the logo embedded;
5. :class:`PdfPrinter` prints that HTML to A4 PDF in headless Chromium
   (Playwright), one browser for a whole batch.
"""

from __future__ import annotations

import base64
import concurrent.futures as cf
import contextlib
import copy
import datetime as dt
import hashlib
import json
import mimetypes
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

import nbformat
import pydantic
from pydantic import BaseModel, ConfigDict, Field

from . import __version__
from ._io import atomic_path, write_text
from ._kernels import ForkingKernelManager, KernelStartError, KernelTemplate, fork_supported
from ._yaml import load_yaml, problems_from_pydantic
from .display import CHART_MIME, DEFER_SVG_ENV, RECORD_MIME, chart_svg, read_records
from .errors import InputValidationError, PmoWorkbenchError, Problem
from .resources import notebooks_dir, templates_dir

REPORTS = {"positioning": "pmo_positioning.ipynb", "portfolio": "portfolio_health.ipynb"}
FORMATS = ("html", "pdf", "ipynb")
KERNEL_NAME = "python3"
CELL_TIMEOUT = 600  # seconds per cell
START_TIMEOUT = 120  # seconds for a kernel to start
STATE_FILE = ".pmo-workbench-batch.json"
CHROMIUM_ENV = "PMO_WORKBENCH_CHROMIUM"
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "chromium", "chromium-browser",
                       "google-chrome")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
_TITLES = {"positioning": "PMO positioning assessment", "portfolio": "Portfolio health report"}
_REQUIRED_MARK = "(required)"


# --- errors ------------------------------------------------------------------------------------

class ReportError(PmoWorkbenchError):
    """Raised when a report's notebook failed to execute; names the organisation, the cell and the error."""

    def __init__(self, message: str, organisation: str = "", cell: int | None = None, ename: str = "",
                 evalue: str = "", notebook: str | None = None):
        super().__init__(message, organisation, cell, ename, evalue, notebook)
        self.organisation = organisation
        self.cell = cell
        self.ename = ename
        self.evalue = evalue
        self.notebook = notebook

    def __str__(self) -> str:
        return self.args[0]


class ReportParameterError(PmoWorkbenchError):
    """Raised when parameters do not match a notebook's ``parameters`` cell (checked before execution)."""


class PdfUnavailableError(PmoWorkbenchError):
    """Raised when PDF is asked for but no Chromium can be found or started."""


# --- names, branding ---------------------------------------------------------------------------

def slugify(text: str, *, max_length: int = 60) -> str:
    """A safe, readable file-name part for ``text``: ``"Café & Co / R&D"`` -> ``"cafe-co-r-d"``.

    Path separators, dots, quotes and markup cannot survive; an empty result
    becomes ``"unnamed"``.
    """
    from slugify import slugify as _slugify

    return _slugify(str(text), max_length=max_length, word_boundary=True) or "unnamed"


def report_name(report: str, organisation: str, pmo: str | None = None) -> str:
    """The base file name of a report: ``<organisation>[-<pmo>]-<report>``, all slugs."""
    parts = [slugify(organisation)] + ([slugify(pmo)] if pmo else []) + [report]
    return "-".join(parts)


class Branding(BaseModel):
    """How a consultancy's reports look: ``templates/report/branding.example.yaml`` shows every field."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    consultancy: str | None = None
    logo: Path | None = Field(default=None, description="a local PNG, JPEG, GIF or SVG file")
    colour: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")
    kicker: str = "PMO assessment"


def load_branding(path: str | Path | None) -> Branding:
    """Read a branding YAML file (``None`` gives the default look); the logo path is relative to it."""
    if path is None:
        return Branding()
    path = Path(path)
    data, node = load_yaml(path)
    try:
        branding = Branding.model_validate(data)
    except pydantic.ValidationError as exc:
        raise InputValidationError(problems_from_pydantic(path, node, exc)) from None
    if branding.logo is not None:
        logo = branding.logo if branding.logo.is_absolute() else (path.parent / branding.logo)
        if not logo.is_file():
            raise InputValidationError([Problem(str(path), None, "logo", f"logo file {logo} does not exist")])
        if _logo_type(logo) is None:
            raise InputValidationError([Problem(str(path), None, "logo",
                                                f"logo {logo.name} must be a PNG, JPEG, GIF or SVG file")])
        branding = branding.model_copy(update={"logo": logo.resolve()})
    return branding


def _logo_type(path: Path) -> str | None:
    kind = mimetypes.guess_type(path.name)[0]
    return kind if kind in {"image/png", "image/jpeg", "image/gif", "image/svg+xml"} else None


def _logo_data_uri(path: Path | None) -> str | None:
    if path is None:
        return None
    return f"data:{_logo_type(path)};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


# --- what to render ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportSpec:
    """One report to render.

    Attributes
    ----------
    report
        The kind of report (a key of :data:`REPORTS`).
    organisation, pmo
        Whom it is about (``pmo`` ``None``: every PMO of the organisation).
    parameters
        The notebook's parameters, paths already absolute.
    inputs
        Files the report reads; their contents decide whether a re-run can skip it.
    name
        Base name of the output files.
    branding
        Branding YAML file for the title page, or ``None``.
    notebook
        A notebook to run instead of the report's own (an analyst's extended
        copy); it must declare the same parameters.
    """

    report: str
    organisation: str
    pmo: str | None
    parameters: Mapping[str, Any]
    inputs: tuple[str, ...]
    name: str
    branding: str | None = None
    notebook: str | None = None

    @property
    def notebook_path(self) -> Path:
        """The notebook this report runs."""
        return Path(self.notebook) if self.notebook else notebook_path(self.report)


def _absolute(path: str | Path | None, base: Path | None = None) -> str | None:
    if path is None or str(path).strip() == "":
        return None
    p = Path(path).expanduser()
    if not p.is_absolute() and base is not None:
        p = base / p
    return str(p.resolve())


def _instrument_param(instrument: str | Path, base: Path | None = None) -> tuple[str, str | None]:
    """An instrument id stays an id; anything that looks like a file becomes an absolute path."""
    text = str(instrument)
    if text.endswith((".yaml", ".yml")) or "/" in text or os.sep in text:
        path = _absolute(text, base)
        return path, path
    from .instrument import builtin_instruments

    builtin = builtin_instruments().get(text)
    return text, (str(builtin) if builtin else None)


def positioning_spec(
    responses: str | Path,
    organisation: str,
    pmo: str | None = None,
    *,
    instrument: str | Path = "pmo-core",
    benchmark: str | Path | None = None,
    branding: str | Path | None = None,
    min_group_size: int | None = None,
    name: str | None = None,
    base: Path | None = None,
) -> ReportSpec:
    """The :class:`ReportSpec` of a positioning report; relative paths are taken from ``base``."""
    instrument_value, instrument_file = _instrument_param(instrument, base)
    params: dict[str, Any] = {
        "responses": _absolute(responses, base),
        "organisation": organisation,
        "pmo": pmo or None,
        "instrument": instrument_value,
        "benchmark": _absolute(benchmark, base),
        "branding": _absolute(branding, base),
    }
    if min_group_size is not None:
        params["min_group_size"] = int(min_group_size)
    inputs = tuple(p for p in (params["responses"], params["benchmark"], params["branding"], instrument_file) if p)
    return ReportSpec("positioning", organisation, pmo or None, params, inputs,
                      name or report_name("positioning", organisation, pmo), params["branding"])


def _portfolio_files(path: str) -> tuple[str, ...]:
    """The files of a portfolio: the workbook, or every CSV of the folder."""
    p = Path(path)
    if p.is_dir():
        return tuple(str(f) for f in sorted(p.iterdir()) if f.suffix.lower() == ".csv")
    return (path,)


def portfolio_spec(
    portfolio: str | Path,
    organisation: str,
    *,
    as_of: dt.date | str | None = None,
    budget: float | None = None,
    thresholds: Mapping[str, Sequence[float]] | None = None,
    eac_method: str | None = None,
    branding: str | Path | None = None,
    name: str | None = None,
    base: Path | None = None,
) -> ReportSpec:
    """The :class:`ReportSpec` of a portfolio health report; relative paths are taken from ``base``."""
    params: dict[str, Any] = {
        "portfolio": _absolute(portfolio, base),
        "organisation": organisation,
        "as_of": None if as_of is None else str(as_of)[:10],
        "budget": None if budget is None else float(budget),
        "branding": _absolute(branding, base),
    }
    if thresholds is not None:
        params["thresholds"] = {k: [float(x) for x in v] for k, v in thresholds.items()}
    if eac_method is not None:
        params["eac_method"] = eac_method
    inputs = (*_portfolio_files(params["portfolio"]), *((params["branding"],) if params["branding"] else ()))
    return ReportSpec("portfolio", organisation, None, params, inputs,
                      name or report_name("portfolio", organisation), params["branding"])


def notebook_path(report: str) -> Path:
    """The notebook behind a kind of report."""
    if report not in REPORTS:
        raise ReportParameterError(f"unknown report {report!r}; known: {', '.join(sorted(REPORTS))}")
    return notebooks_dir() / REPORTS[report]


def check_parameters(notebook: str | Path, parameters: Mapping[str, Any]) -> None:
    """Fail before execution when ``parameters`` names something the notebook does not declare,
    or leaves out a parameter whose comment says ``(required)``."""
    import papermill

    declared = papermill.inspect_notebook(str(notebook))
    if not declared:
        raise ReportParameterError(f"{notebook}: no cell tagged 'parameters'")
    unknown = sorted(set(parameters) - set(declared))
    required = {n for n, p in declared.items() if _REQUIRED_MARK in (p.get("help") or "")}
    missing = sorted(n for n in required if parameters.get(n) in (None, ""))
    problems = []
    if unknown:
        problems.append(f"unknown parameter(s) {', '.join(unknown)}; the notebook declares {', '.join(declared)}")
    if missing:
        problems.append(f"missing required parameter(s) {', '.join(missing)}")
    if problems:
        raise ReportParameterError(f"{Path(notebook).name}: " + "; ".join(problems))


# --- execution ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportOutcome:
    """What became of one report.

    ``status`` is ``"rendered"``, ``"unchanged"`` (skipped: same inputs as the
    files on disk) or ``"failed"``; ``files`` maps a format to its path.
    """

    name: str
    report: str
    organisation: str
    pmo: str | None
    status: str
    files: Mapping[str, str] = field(default_factory=dict)
    records: Mapping[str, Any] = field(default_factory=dict)
    charts: int = 0
    error: str | None = None
    cell: int | None = None
    fingerprint: str | None = None
    seconds: float = 0.0


def _kernel_config(template_socket: str | None = None, ipc_dir: str | None = None):
    """Kernel manager settings: forked from the template at ``template_socket``, or ordinary kernels."""
    from traitlets.config import Config

    return Config({"ForkingKernelManager": {"template_socket": template_socket or "",
                                            "ipc_dir": ipc_dir or tempfile.gettempdir()}})


def execute(spec: ReportSpec, out_dir: Path, *, work: Path | None = None, kernel_config=None,
            cell_timeout: int = CELL_TIMEOUT):
    """Execute the spec's notebook; return the executed notebook or raise :class:`ReportError`.

    A notebook that raised is kept as ``failed/<name>.ipynb`` under ``out_dir``.
    When the kernel template cannot fork a kernel, an ordinary kernel is used.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    nb_path = spec.notebook_path
    check_parameters(nb_path, spec.parameters)
    work = work or out_dir
    scratch = work / f"{spec.name}.{os.getpid()}.run.ipynb"
    configs = [kernel_config or _kernel_config()]
    if configs[0].ForkingKernelManager.get("template_socket"):
        configs.append(_kernel_config())
    os.environ[DEFER_SVG_ENV] = "1"
    try:
        for attempt, config in enumerate(configs):
            try:
                nb = papermill.execute_notebook(
                    str(nb_path), str(scratch), parameters=dict(spec.parameters), kernel_name=KERNEL_NAME,
                    cwd=str(out_dir), progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                    execution_timeout=cell_timeout, start_timeout=START_TIMEOUT,
                    kernel_manager_class=ForkingKernelManager, config=config,
                )
                break
            except KernelStartError:
                if attempt + 1 == len(configs):
                    raise
    except PapermillExecutionError as exc:
        kept = _keep_failed(scratch, out_dir, spec.name)
        first_line = (exc.source or "").strip().splitlines()[:1]
        raise ReportError(
            f"{spec.organisation}: {spec.report} report failed in cell {exc.cell_index}"
            f"{' (' + first_line[0][:80] + ')' if first_line else ''}: {exc.ename}: {exc.evalue}",
            spec.organisation, exc.cell_index, exc.ename, exc.evalue, kept,
        ) from None
    except ReportParameterError:
        raise
    except Exception as exc:  # kernel died, timed out, could not start
        kept = _keep_failed(scratch, out_dir, spec.name)
        raise ReportError(f"{spec.organisation}: {spec.report} report failed: {type(exc).__name__}: {exc}",
                          spec.organisation, None, type(exc).__name__, str(exc), kept) from None
    finally:
        os.environ.pop(DEFER_SVG_ENV, None)
    scratch.unlink(missing_ok=True)
    return nb


def _keep_failed(scratch: Path, out_dir: Path, name: str) -> str | None:
    if not scratch.exists():
        return None
    target = out_dir / "failed" / f"{name}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(scratch, target)
    return str(target)


# --- export ------------------------------------------------------------------------------------

@cache
def vega_bundle() -> str:
    """vega, vega-lite and vega-embed as one script (from vl-convert).

    Building it takes vl-convert about a second, so it is kept in the user's
    cache folder, one file per vl-convert version.
    """
    import vl_convert
    from platformdirs import user_cache_path

    version = getattr(vl_convert, "__version__", "") or vl_convert.get_vega_embed_version()
    cached = user_cache_path("pmo-workbench") / f"vega-bundle-{slugify(str(version))}.js"
    try:
        return cached.read_text(encoding="utf-8")
    except OSError:
        pass
    bundle = vl_convert.javascript_bundle().replace("</script", "<\\/script")
    with contextlib.suppress(OSError):
        write_text(cached, bundle)
    return bundle


def _template_dir() -> Path:
    return templates_dir() / "report"


def _static(name: str) -> str:
    return (_template_dir() / "pmo_report" / "static" / name).read_text(encoding="utf-8")


def add_chart_svgs(nb) -> int:
    """Give every chart output of an executed notebook its SVG (in place); return the chart count."""
    count = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if CHART_MIME in data:
                count += 1
                if "image/svg+xml" not in data:
                    data["image/svg+xml"] = chart_svg(data[CHART_MIME]["spec"])
    return count


def _for_page(nb):
    """A copy of the notebook with what a reader should not see removed: records, stderr, empty cells."""
    page = copy.deepcopy(nb)
    for cell in page.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = [
            o for o in cell.get("outputs", [])
            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            and RECORD_MIME not in o.get("data", {})
        ]
        for output in cell.outputs:
            chart = output.get("data", {}).get(CHART_MIME)
            if chart is not None:
                chart["spec_json"] = _script_json(chart["spec"])
    return page


def _script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` as ``\\u`` escapes."""
    return (json.dumps(value, ensure_ascii=False, allow_nan=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def export_html(nb, spec: ReportSpec, *, branding: Branding | None = None, date: str | None = None,
                vega_js: str | None = None) -> str:
    """The self-contained HTML page of an executed notebook (charts must already have SVGs)."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    branding = branding or Branding()
    exporter = HTMLExporter(
        template_name="pmo_report", extra_template_basedirs=[str(_template_dir())],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        config=Config({"NbConvertBase": {"display_data_priority": [
            CHART_MIME, "text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg", "text/plain",
        ]}}),
    )
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"remove_cell"}), enabled=True)
    records = read_records(nb)
    subtitle = spec.pmo or records.get("subtitle") or ", ".join(p.get("pmo", "") for p in records.get("pmos", []) or [])
    resources = {"pmo": {
        "version": __version__,
        "title": _TITLES.get(spec.report, spec.report),
        "organisation": spec.organisation,
        "subtitle": subtitle,
        "date": date or dt.date.today().isoformat(),
        "consultancy": branding.consultancy,
        "kicker": branding.kicker,
        "colour": branding.colour,
        "logo": _logo_data_uri(branding.logo),
        "css": _static("report.css"),
        "report_js": _static("report.js"),
        "vega_js": vega_bundle() if vega_js is None else vega_js,
    }}
    body, _ = exporter.from_notebook_node(_for_page(nb), resources=resources)
    return body


# --- PDF ---------------------------------------------------------------------------------------

def find_chromium() -> str | None:
    """The Chromium binary to print PDFs with: ``$PMO_WORKBENCH_CHROMIUM``, else Debian's, else on PATH."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured if Path(configured).is_file() else None
    for candidate in CHROMIUM_CANDIDATES:
        found = candidate if os.path.isabs(candidate) and Path(candidate).is_file() else shutil.which(candidate)
        if found:
            return found
    return None


_NO_CHROMIUM = ("PDF needs a Chromium browser and none was found. Install Debian's package "
                "(apt-get update && apt-get install chromium) or set PMO_WORKBENCH_CHROMIUM to a Chromium "
                "binary; HTML reports do not need it.")


class PdfPrinter:
    """Prints report pages to A4 PDF with one headless Chromium, reused for every page.

    >>> with PdfPrinter() as printer:                         # doctest: +SKIP
    ...     printer.print_pdf("report.html", "report.pdf")
    """

    def __init__(self, executable: str | None = None, *, timeout_ms: int = 60_000, chart_timeout_ms: int = 15_000):
        self.executable = executable or find_chromium()
        self.timeout_ms = timeout_ms
        self.chart_timeout_ms = chart_timeout_ms
        self._pw = None
        self._browser = None

    def __enter__(self) -> PdfPrinter:
        if not self.executable:
            raise PdfUnavailableError(_NO_CHROMIUM)
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=self.executable, args=CHROMIUM_ARGS)
        except PlaywrightError as exc:
            self._pw.stop()
            raise PdfUnavailableError(f"Chromium at {self.executable} did not start ({str(exc).splitlines()[0]}). "
                                      + _NO_CHROMIUM) from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._pw is not None:
            self._pw.stop()

    def print_pdf(self, html_path: str | Path, pdf_path: str | Path, *, charts: int | None = None) -> Path:
        """Open the page offline, wait for its charts, print it to ``pdf_path`` (atomically).

        With ``charts``, a page showing another number of charts (a page cut short) is refused.
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        context = self._browser.new_context()
        try:
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                          else route.abort())
            page = context.new_page()
            page.goto(Path(html_path).resolve().as_uri(), wait_until="load", timeout=self.timeout_ms)
            try:
                page.wait_for_function("document.documentElement.dataset.charts === 'ready'",
                                       timeout=self.chart_timeout_ms)
            except PlaywrightTimeout:
                pass  # the static SVG charts are in the page already: print those
            shown = page.locator("figure.pmo-chart svg").count()
            if charts is not None and shown < charts:
                raise ReportError(f"{Path(html_path).name}: the page shows {shown} of its {charts} charts")
            page.emulate_media(media="print")
            with atomic_path(pdf_path) as tmp:
                page.pdf(path=str(tmp), format="A4", print_background=True, prefer_css_page_size=True,
                         display_header_footer=True, header_template="<div></div>",
                         footer_template='<div style="font-size:8px;width:100%;text-align:center;color:#5b6473">'
                                         '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')
        finally:
            context.close()
        return Path(pdf_path)


# --- one report --------------------------------------------------------------------------------

def _render_notebook(spec: ReportSpec, out_dir: Path, work: Path, formats: Sequence[str], kernel_config,
                     vega_js: str | None, cell_timeout: int) -> ReportOutcome:
    """Execute one report and stage its notebook and HTML in ``work`` (PDF is printed by the caller).

    Never raises: any failure becomes a ``"failed"`` outcome.
    """
    started = time.perf_counter()
    try:
        branding = load_branding(spec.branding)
        nb = execute(spec, out_dir, work=work, kernel_config=kernel_config, cell_timeout=cell_timeout)
        charts = add_chart_svgs(nb)
        records = read_records(nb)
        staged: dict[str, str] = {}
        if "ipynb" in formats:
            staged["ipynb"] = str(write_text(work / f"{spec.name}.ipynb", nbformat.writes(nb)))
        if "html" in formats or "pdf" in formats:
            page = export_html(nb, spec, branding=branding, vega_js=vega_js)
            staged["html"] = str(write_text(work / f"{spec.name}.html", page))
    except Exception as exc:  # noqa: BLE001 - one report failing never stops the others
        kept = getattr(exc, "notebook", None)
        return ReportOutcome(spec.name, spec.report, spec.organisation, spec.pmo, "failed",
                             files={"ipynb": kept} if kept else {},
                             error=str(exc) if isinstance(exc, PmoWorkbenchError) else
                             f"{spec.organisation}: {type(exc).__name__}: {exc}",
                             cell=getattr(exc, "cell", None), seconds=time.perf_counter() - started)
    return ReportOutcome(spec.name, spec.report, spec.organisation, spec.pmo, "rendered", staged, records, charts,
                         seconds=time.perf_counter() - started)


def _print_pdf(outcome: ReportOutcome, printer: PdfPrinter, work: Path) -> ReportOutcome:
    """Print the staged HTML of a rendered report to a staged PDF."""
    pdf = work / f"{outcome.name}.pdf"
    try:
        printer.print_pdf(outcome.files["html"], pdf, charts=outcome.charts)
    except Exception as exc:  # noqa: BLE001 - one page failing to print fails that report only
        return replace(outcome, status="failed", files={},
                       error=f"{outcome.organisation}: PDF printing failed: {exc}")
    return replace(outcome, files={**outcome.files, "pdf": str(pdf)})


def _publish(outcome: ReportOutcome, out_dir: Path, formats: Sequence[str]) -> ReportOutcome:
    """Move a report's staged files into place, or withdraw its old files when it failed."""
    if outcome.status != "rendered":
        for fmt in FORMATS:  # a report from earlier inputs must not pass for this run's
            (out_dir / f"{outcome.name}.{fmt}").unlink(missing_ok=True)
        return outcome
    files = {}
    for fmt in formats:
        target = out_dir / f"{outcome.name}.{fmt}"
        os.replace(outcome.files[fmt], target)
        files[fmt] = str(target)
    for fmt in set(FORMATS) - set(formats):  # formats not asked for this time would be stale
        (out_dir / f"{outcome.name}.{fmt}").unlink(missing_ok=True)
    (out_dir / "failed" / f"{outcome.name}.ipynb").unlink(missing_ok=True)
    return replace(outcome, files=files)


def _check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ReportParameterError(f"unknown format(s) {', '.join(unknown) or '(none given)'}; "
                                   f"choose from {', '.join(FORMATS)}")
    return formats


def render(spec: ReportSpec, out_dir: str | Path, formats: Sequence[str] = ("html", "ipynb"), *,
           cell_timeout: int = CELL_TIMEOUT) -> ReportOutcome:
    """Render one report in this process; a failure is returned as a ``"failed"`` outcome."""
    result = run_batch([spec], out_dir, formats, jobs=1, force=True, cell_timeout=cell_timeout,
                       progress=False, index=False)
    return result.outcomes[0]


# --- batches -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class BatchResult:
    """Every outcome of a batch, and where its index is."""

    outcomes: tuple[ReportOutcome, ...]
    index: Path | None
    seconds: float

    @property
    def failed(self) -> tuple[ReportOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "failed")


def _hash_files(paths: Iterable[Path], digest) -> None:
    for path in sorted(paths):
        digest.update(str(path).encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")


@cache
def _code_fingerprint() -> str:
    """The package's code and its templates (report, instruments, recommendations): a change re-renders all."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).parent
    _hash_files(package.glob("*.py"), digest)
    _hash_files((p for p in templates_dir().rglob("*") if p.is_file()), digest)
    return digest.hexdigest()


def fingerprint(spec: ReportSpec, formats: Sequence[str]) -> str:
    """What decides whether a report must be rendered again: notebook, parameters, input files, code."""
    digest = hashlib.sha256(_code_fingerprint().encode())
    digest.update(json.dumps({"spec": asdict(spec), "formats": sorted(formats)}, sort_keys=True,
                             default=str).encode())
    inputs = [spec.notebook_path, *(Path(p) for p in spec.inputs)]
    if spec.branding:
        with contextlib.suppress(PmoWorkbenchError):
            logo = load_branding(spec.branding).logo
            if logo is not None:
                inputs.append(logo)
    _hash_files(inputs, digest)
    return digest.hexdigest()


def _load_state(out_dir: Path) -> dict[str, Any]:
    try:
        state = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _unchanged(spec: ReportSpec, state: Mapping[str, Any], print_: str, formats: Sequence[str],
               out_dir: Path) -> ReportOutcome | None:
    entry = state.get(spec.name)
    if not isinstance(entry, dict) or entry.get("fingerprint") != print_ or entry.get("status") != "rendered":
        return None
    files = {fmt: out_dir / f"{spec.name}.{fmt}" for fmt in formats}
    if sorted(entry.get("formats", [])) != sorted(formats) or not all(p.is_file() for p in files.values()):
        return None
    return ReportOutcome(spec.name, spec.report, spec.organisation, spec.pmo, "unchanged",
                         {fmt: str(p) for fmt, p in files.items()}, entry.get("records", {}),
                         entry.get("charts", 0), fingerprint=print_)


@contextlib.contextmanager
def _locked(out_dir: Path):
    """Hold the output folder for one batch at a time (a second batch into it waits)."""
    try:
        import fcntl
    except ImportError:  # not on POSIX: no lock
        yield
        return
    with open(out_dir / ".pmo-workbench.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _pool_context():
    """``forkserver`` where it exists: workers forked from a clean server that imported the engine once.

    Plain ``fork`` from the caller is unsafe when the caller runs threads (zmq's,
    a notebook's); ``spawn`` (the fallback) re-imports everything per worker.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pmo_workbench._batch_worker"])
    return context


def _worker_init() -> None:
    from ._imports import skip_slow_optional_imports

    skip_slow_optional_imports()


def _worker_render(spec: ReportSpec, out_dir: Path, work: Path, formats: tuple[str, ...], cell_timeout: int,
                   template_socket: str | None, ipc_dir: str | None, vega_js: str) -> ReportOutcome:
    config = _kernel_config(template_socket, ipc_dir)
    return _render_notebook(spec, out_dir, work, formats, config, vega_js, cell_timeout)


def _unique_names(specs: Sequence[ReportSpec]) -> list[ReportSpec]:
    """Give every report its own file name: a repeated name gets ``-2``, ``-3``... (never one already used)."""
    taken = {spec.name for spec in specs}
    seen: set[str] = set()
    out = []
    for spec in specs:
        name, n = spec.name, 1
        while name in seen or (n > 1 and name in taken):
            n += 1
            name = f"{spec.name}-{n}"
        seen.add(name)
        out.append(spec if name == spec.name else replace(spec, name=name))
    return out


def run_batch(
    specs: Sequence[ReportSpec],
    out_dir: str | Path,
    formats: Sequence[str] = ("html", "ipynb"),
    *,
    jobs: int | None = None,
    force: bool = False,
    cell_timeout: int = CELL_TIMEOUT,
    progress: bool = True,
    index: bool = True,
    on_outcome: Callable[[ReportOutcome], None] | None = None,
) -> BatchResult:
    """Render many reports, ``jobs`` at a time; a failed report never stops the others.

    Reports whose fingerprint (notebook, parameters, input files, code) matches
    the last run's and whose files still exist are skipped unless ``force``.
    Each report's files are staged and moved into ``out_dir`` only when all its
    formats are done; a failed report's old files are removed. Writes
    ``index.html`` (when ``index``) and a state file in ``out_dir``; a second
    batch into the same folder waits for the first.

    Raises
    ------
    PdfUnavailableError
        Before anything runs, when PDF is asked for and Chromium is missing.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir).resolve()
    formats = _check_formats(formats)
    specs = _unique_names(specs)
    jobs = max(1, jobs or os.cpu_count() or 1)
    out_dir.mkdir(parents=True, exist_ok=True)
    with _locked(out_dir):
        state = _load_state(out_dir)
        outcomes: dict[str, ReportOutcome] = {}
        todo: list[tuple[ReportSpec, str]] = []
        for spec in specs:
            print_ = fingerprint(spec, formats)
            skipped = None if force else _unchanged(spec, state, print_, formats, out_dir)
            if skipped is not None:
                outcomes[spec.name] = skipped
            else:
                todo.append((spec, print_))
        work = Path(tempfile.mkdtemp(prefix=".work-", dir=out_dir))
        try:
            _render_all(todo, outcomes, out_dir, work, formats, jobs, cell_timeout, progress, len(specs),
                        on_outcome)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        ordered = tuple(outcomes[s.name] for s in specs)
        _save_state(out_dir, state, ordered, formats)
        index_path = write_index(out_dir, ordered) if index else None
    return BatchResult(ordered, index_path, time.perf_counter() - started)


def _render_all(todo, outcomes, out_dir, work, formats, jobs, cell_timeout, progress, total, on_outcome) -> None:
    parallel = jobs > 1 and len(todo) > 1
    with contextlib.ExitStack() as stack:
        if parallel:
            # Workers first, so that they start beside the kernel template (see _pool_context).
            pool = stack.enter_context(_pool(min(jobs, len(todo))))
        printer = stack.enter_context(PdfPrinter()) if "pdf" in formats and todo else None
        template = None
        if todo and fork_supported():
            template = KernelTemplate()
            stack.callback(template.close)
            template.start()
        bar = stack.enter_context(_progress(total, progress))
        bar.advance(len(outcomes))

        def finish(spec: ReportSpec, print_: str, outcome: ReportOutcome) -> None:
            if printer is not None and outcome.status == "rendered":
                outcome = _print_pdf(outcome, printer, work)
            outcome = _publish(outcome, out_dir, formats)
            outcome = replace(outcome, fingerprint=print_ if outcome.status == "rendered" else None)
            outcomes[spec.name] = outcome
            bar.advance(1)
            if on_outcome is not None:
                on_outcome(outcome)

        vega_js = vega_bundle() if todo and ("html" in formats or "pdf" in formats) else ""
        if template is not None:
            try:
                template.wait_ready()
            except KernelStartError:
                template.close()
                template = None  # ordinary kernels: slower, same reports
        socket_path = template.socket_path if template else None
        ipc_dir = str(template.ipc_dir) if template else None
        if not parallel:
            config = _kernel_config(socket_path, ipc_dir)
            for spec, print_ in todo:
                finish(spec, print_, _render_notebook(spec, out_dir, work, formats, config, vega_js, cell_timeout))
            return
        pending = list(todo)
        for attempt in range(2):
            futures = {pool.submit(_worker_render, spec, out_dir, work, formats, cell_timeout, socket_path, ipc_dir,
                                   vega_js): (spec, print_)
                       for spec, print_ in pending}
            broken = []
            for future in cf.as_completed(futures):
                spec, print_ = futures[future]
                try:
                    outcome = future.result()
                except cf.process.BrokenProcessPool as exc:
                    if attempt == 0:  # a worker died: every pending report lost its pool; try those again
                        broken.append((spec, print_))
                        continue
                    outcome = _lost(spec, exc)
                except Exception as exc:  # noqa: BLE001 - fails this report only
                    outcome = _lost(spec, exc)
                finish(spec, print_, outcome)
            if not broken:
                return
            pool.shutdown(wait=False, cancel_futures=True)
            pool = stack.enter_context(_pool(min(jobs, len(broken))))
            pending = broken


def _pool(workers: int) -> cf.ProcessPoolExecutor:
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(), initializer=_worker_init)
    for _ in range(workers):
        pool.submit(int)  # start the workers now
    return pool


def _lost(spec: ReportSpec, exc: BaseException) -> ReportOutcome:
    return ReportOutcome(spec.name, spec.report, spec.organisation, spec.pmo, "failed",
                         error=f"{spec.organisation}: {type(exc).__name__}: {exc}")


def _save_state(out_dir: Path, state: dict[str, Any], outcomes: Sequence[ReportOutcome],
                formats: Sequence[str]) -> None:
    for o in outcomes:
        state[o.name] = {"fingerprint": o.fingerprint, "status": "rendered" if o.status != "failed" else "failed",
                         "formats": sorted(formats), "records": dict(o.records), "charts": o.charts}
    write_text(out_dir / STATE_FILE, json.dumps(state, indent=1, sort_keys=True))


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def advance(self, n: int) -> None:
        pass


@contextlib.contextmanager
def _progress(total: int, enabled: bool):
    if not enabled:
        yield _NoBar()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("reports"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task("reports", total=total)

        class _Bar:
            def advance(self, n: int) -> None:
                bar.advance(task, n)

        yield _Bar()


# --- index -------------------------------------------------------------------------------------

def write_index(out_dir: str | Path, outcomes: Sequence[ReportOutcome]) -> Path:
    """Write ``index.html``: every report with its PMO types and scores and links, then the failures."""
    import jinja2

    out_dir = Path(out_dir)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_template_dir()), autoescape=True)
    rows = []
    for o in outcomes:
        links = {fmt: os.path.relpath(path, out_dir) for fmt, path in o.files.items()}
        rows.append({"outcome": o, "links": links, "pmos": o.records.get("pmos", []),
                     "headline": o.records.get("headline") or {}, "totals": o.records.get("portfolio") or {},
                     "as_of": o.records.get("as_of")})
    page = env.get_template("index.html.j2").render(
        rows=[r for r in rows if r["outcome"].status != "failed"],
        failures=[r for r in rows if r["outcome"].status == "failed"],
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"), version=__version__,
        css=_static("report.css"),
    )
    return write_text(out_dir / "index.html", page)


# --- manifests ---------------------------------------------------------------------------------

class _ManifestRow(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    report: str
    organisation: str = Field(min_length=1)
    pmo: str | None = None
    responses: str | None = None
    store: str | None = None
    assessment: int | None = Field(default=None, ge=1)
    portfolio: str | None = None
    as_of: dt.date | None = None
    budget: float | None = Field(default=None, ge=0)
    eac_method: Literal["typical", "atypical", "cost_schedule"] | None = None
    green: str | list[float] | None = None
    amber: str | list[float] | None = None
    instrument: str = "pmo-core"
    benchmark: str | None = None
    branding: str | None = None
    min_group_size: int | None = Field(default=None, ge=1)
    name: str | None = None
    notebook: str | None = None


_REPORT_COLUMNS = {
    "positioning": ("portfolio", "as_of", "budget", "eac_method", "green", "amber"),
    "portfolio": ("responses", "store", "assessment", "pmo", "instrument", "benchmark", "min_group_size"),
}
"""Manifest columns that belong to the other kind of report (an error when filled in)."""


class _ManifestCellError(Exception):
    """A problem with one cell of a manifest row (column and message)."""

    def __init__(self, column: str, message: str):
        super().__init__(column, message)
        self.column, self.message = column, message


def _stored_responses(item: _ManifestRow, base: Path) -> str:
    """A stored assessment written as a long responses file in the user's cache, for the report notebook.

    The file is rewritten only when the answers changed, so an unchanged assessment still skips in a batch.
    """
    from platformdirs import user_cache_path

    from .instrument import load_instrument
    from .store import Store

    try:
        instrument = load_instrument(_instrument_param(item.instrument, base)[0])
    except PmoWorkbenchError as exc:
        raise _ManifestCellError("instrument", str(exc)) from None
    url = item.store if "://" in item.store else _absolute(item.store, base)
    try:
        store = Store(url, create=False)
    except PmoWorkbenchError as exc:
        raise _ManifestCellError("store", str(exc)) from None
    with store:
        store.use_instrument(instrument)  # a custom instrument's assessments need it to be exported
        try:
            info = store.assessment(item.assessment)
        except PmoWorkbenchError as exc:
            raise _ManifestCellError("assessment", str(exc)) from None
        try:
            store.instrument_for(item.assessment)
        except PmoWorkbenchError:
            raise _ManifestCellError("instrument", f"assessment {item.assessment} uses instrument "
                                     f"{info['instrument_id']} {info['instrument_version']}, not {item.instrument}; "
                                     "give its YAML file in the instrument column") from None
        if info["organisation"] != item.organisation:
            raise _ManifestCellError("organisation", f"assessment {item.assessment} is of "
                                     f"{info['organisation']!r}, not {item.organisation!r}")
        folder = user_cache_path("pmo-workbench") / "store-exports" / hashlib.sha256(url.encode()).hexdigest()[:16]
        target = folder / f"assessment-{item.assessment}.csv"
        fresh = store.export_responses(folder / f".assessment-{item.assessment}.new.csv",
                                       assessment_id=item.assessment)
    if target.is_file() and target.read_bytes() == fresh.read_bytes():
        fresh.unlink()
    else:
        os.replace(fresh, target)
    return str(target)


def read_manifest(path: str | Path) -> list[ReportSpec]:
    """Read a batch manifest (CSV or YAML): one report per row, paths relative to the manifest.

    Columns/keys: ``report`` (``positioning`` or ``portfolio``),
    ``organisation``, ``branding``, ``name`` (optional output base name, made
    safe), ``notebook`` (optional: an extended copy of the report notebook to
    run instead). Positioning reports: ``responses`` (required), ``pmo``,
    ``instrument`` (id or file, default ``pmo-core``), ``benchmark``,
    ``min_group_size``; or, instead of ``responses``, ``store`` (URL or
    SQLite file) and ``assessment`` (id) for an assessment kept in the store.
    Portfolio reports: ``portfolio`` (required; a workbook
    or a folder of CSV files), ``as_of`` (status date), ``budget``.

    Every problem is reported at once, with the row a spreadsheet shows (CSV)
    or the line of the entry (YAML): unknown columns, missing or invalid
    values, files that do not exist, unknown reports and instrument ids, an
    organisation or PMO the responses file does not hold, a notebook whose
    parameters do not fit. A responses file that is itself invalid is not a
    manifest problem: that report fails when it runs, and the others go on.
    """
    from .instrument import builtin_instruments

    path = Path(path)
    rows, row_numbers = _manifest_rows(path)
    base = path.resolve().parent
    problems: list[Problem] = []
    specs: list[ReportSpec] = []
    known = set(_ManifestRow.model_fields)
    unknown = sorted({str(k).strip().lower() for row in rows for k in row if k is not None} - known)
    for column in unknown:
        # CSV: the header row; YAML: the first entry that has the key.
        line = 1 if path.suffix.lower() == ".csv" else next(
            (n for row, n in zip(rows, row_numbers) if column in {str(k).strip().lower() for k in row}), None)
        problems.append(Problem(str(path), line, column,
                                f"unknown column; expected some of {', '.join(_ManifestRow.model_fields)}"))
    organisations: dict[tuple[str, str], Any] = {}
    for row, where in zip(rows, row_numbers):
        clean = {str(k).strip().lower(): (None if v is None or (isinstance(v, str) and not v.strip()) else v)
                 for k, v in row.items() if k is not None and str(k).strip().lower() in known}
        for column in ("responses", "benchmark", "branding", "notebook"):
            value = clean.get(column)
            if value is not None and not Path(_absolute(str(value), base)).is_file():
                problems.append(Problem(str(path), where, column, f"file not found: {value}"))
        value = clean.get("portfolio")
        if value is not None and not Path(_absolute(str(value), base)).exists():
            problems.append(Problem(str(path), where, "portfolio", f"workbook or folder not found: {value}"))
        report = str(clean.get("report") or "")
        stored = clean.get("store") is not None or clean.get("assessment") is not None
        if report == "positioning" and stored:
            if clean.get("responses") is not None:
                problems.append(Problem(str(path), where, "store", "give responses or store and assessment, "
                                        "not both"))
            for column in ("store", "assessment"):
                if clean.get(column) is None:
                    problems.append(Problem(str(path), where, column, "a stored assessment needs both store and "
                                            "assessment"))
        for column, wanted in (("responses", "positioning"), ("portfolio", "portfolio")):
            if report == wanted and clean.get(column) is None and not (column == "responses" and stored):
                problems.append(Problem(str(path), where, column, f"a {wanted} report needs a {column} file"))
        for column in _REPORT_COLUMNS.get(report, ()):
            if clean.get(column) is not None:
                problems.append(Problem(str(path), where, column, f"does not apply to a {report} report"))
        instrument = str(clean.get("instrument") or "pmo-core")
        instrument_path = _absolute(instrument, base)
        if instrument.endswith((".yaml", ".yml")) or "/" in instrument:
            if not Path(instrument_path).is_file():
                problems.append(Problem(str(path), where, "instrument", f"file not found: {instrument}"))
        elif instrument not in builtin_instruments():
            problems.append(Problem(str(path), where, "instrument", f"unknown instrument id {instrument!r}; "
                                    f"built in: {', '.join(builtin_instruments())}; or give a .yaml file"))
        try:
            item = _ManifestRow.model_validate(clean)
        except pydantic.ValidationError as exc:
            for err in exc.errors():
                column = ".".join(str(p) for p in err["loc"]) or None
                problems.append(Problem(str(path), where, column, err["msg"].lower()))
            continue
        if item.report not in REPORTS:
            problems.append(Problem(str(path), where, "report",
                                    f"unknown report {item.report!r}; expected one of {', '.join(sorted(REPORTS))}"))
            continue
        if item.report == "portfolio":
            from .portfolio.analysis import make_thresholds
            from .portfolio.model import parse_band

            bands, checked = {}, None
            for key in ("green", "amber"):
                if getattr(item, key) is not None:
                    try:
                        bands[key] = parse_band(getattr(item, key))
                    except ValueError as exc:
                        problems.append(Problem(str(path), where, key, str(exc)))
            try:
                checked = make_thresholds(bands) if bands else None
            except ValueError as exc:
                problems.append(Problem(str(path), where, "amber" if "amber" in bands else "green", str(exc)))
            if item.portfolio is None:
                continue
            spec = portfolio_spec(item.portfolio, item.organisation, as_of=item.as_of, budget=item.budget,
                                  eac_method=item.eac_method,
                                  thresholds=None if checked is None else {"green": checked.green,
                                                                           "amber": checked.amber},
                                  branding=item.branding, name=slugify(item.name) if item.name else None, base=base)
        else:
            if item.store is not None and item.assessment is not None and item.responses is None:
                try:
                    item = item.model_copy(update={"responses": _stored_responses(item, base)})
                except _ManifestCellError as exc:
                    problems.append(Problem(str(path), where, exc.column, exc.message))
                    continue
            if item.responses is None:
                continue
            spec = positioning_spec(
                item.responses, item.organisation, item.pmo, instrument=item.instrument, benchmark=item.benchmark,
                branding=item.branding, min_group_size=item.min_group_size,
                name=slugify(item.name) if item.name else None, base=base,
            )
        spec = replace(spec, notebook=_absolute(item.notebook, base))
        if spec.notebook and Path(spec.notebook).is_file():
            try:
                check_parameters(spec.notebook, spec.parameters)
            except ReportParameterError as exc:
                problems.append(Problem(str(path), where, "notebook", str(exc)))
        problems.extend(_check_subject(spec, path, where, organisations))
        specs.append(spec)
    if not rows:
        problems.append(Problem(str(path), None, None, "the manifest lists no reports"))
    if problems:
        raise InputValidationError(problems)
    return specs


def _check_subject(spec: ReportSpec, manifest: Path, where: int | None, cache_: dict) -> list[Problem]:
    """The organisation (and PMO) a report names must be in its responses file, when that file is valid."""
    from .instrument import load_instrument
    from .responses import read_responses

    if spec.report != "positioning":
        return []
    key = (spec.parameters["responses"], spec.parameters["instrument"])
    if not Path(key[0]).is_file():
        return []
    if key not in cache_:
        try:
            frame = read_responses(key[0], load_instrument(key[1]))
            cache_[key] = frame.drop_duplicates(["organisation", "pmo"])[["organisation", "pmo"]].astype(str)
        except PmoWorkbenchError:
            cache_[key] = None  # reported when that report runs; the manifest itself is fine
    pairs = cache_[key]
    if pairs is None:
        return []
    pmos = pairs.loc[pairs["organisation"] == spec.organisation, "pmo"].tolist()
    if not pmos:
        listed = ", ".join(dict.fromkeys(pairs["organisation"]))
        return [Problem(str(manifest), where, "organisation",
                        f"{spec.organisation!r} is not in {Path(key[0]).name}; it lists {listed}")]
    if spec.pmo is not None and spec.pmo not in pmos:
        return [Problem(str(manifest), where, "pmo",
                        f"{spec.organisation!r} has no PMO {spec.pmo!r} in {Path(key[0]).name}; it has "
                        f"{', '.join(pmos)}")]
    return []


def _manifest_rows(path: Path) -> tuple[list[dict[str, Any]], list[int | None]]:
    """The manifest's rows and, for each, its spreadsheet row (CSV) or the line its entry starts on (YAML)."""
    if not path.is_file():
        raise InputValidationError([Problem(str(path), None, None, "manifest file not found")])
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        data, node = load_yaml(path)
        reports, seq = data, node
        if isinstance(data, dict):
            reports = data.get("reports")
            seq = next((v for k, v in node.value if k.value == "reports"), None) if node is not None else None
        if not isinstance(reports, list) or not all(isinstance(r, dict) for r in reports):
            raise InputValidationError([Problem(str(path), None, None,
                                                "expected a list of reports (or a mapping with a 'reports' list)")])
        lines = ([n.start_mark.line + 1 for n in seq.value] if isinstance(seq, yaml.SequenceNode)
                 else [None] * len(reports))
        return reports, lines
    if path.suffix.lower() == ".csv":
        import csv

        try:
            with path.open(newline="", encoding="utf-8-sig") as fh:
                rows = list(csv.DictReader(fh))
        except UnicodeDecodeError as exc:
            raise InputValidationError([Problem(str(path), None, None, f"not UTF-8 text ({exc.reason})")]) from None
        for i, row in enumerate(rows):
            if None in row:
                raise InputValidationError([Problem(str(path), i + 2, None, "more values than the header has columns")])
        return rows, list(range(2, len(rows) + 2))
    raise InputValidationError([Problem(str(path), None, None, "a manifest must be a .csv or .yaml file")])


def demo_specs(examples: Path | None = None) -> list[ReportSpec]:
    """One positioning report per sample organisation, each benchmarked against the others."""
    import pandas as pd

    from .resources import examples_dir

    examples = examples or examples_dir()
    responses = examples / "pmo_responses.csv"
    organisations = pd.read_csv(responses, usecols=["organisation"])["organisation"].drop_duplicates()
    specs = [positioning_spec(responses, org, benchmark=responses) for org in organisations]
    return specs + portfolio_demo_specs(examples)


def portfolio_demo_specs(examples: Path | None = None) -> list[ReportSpec]:
    """One portfolio report per sample portfolio listed in ``examples/portfolios/status_dates.csv``."""
    import pandas as pd

    from .resources import examples_dir

    folder = (examples or examples_dir()) / "portfolios"
    listing = folder / "status_dates.csv"
    if not listing.is_file():
        return []
    rows = pd.read_csv(listing, dtype=str, keep_default_na=False).to_dict("records")
    return [portfolio_spec(r["portfolio"], r["organisation"], as_of=r["as_of"] or None,
                           budget=float(r["budget"]) if r.get("budget") else None, base=folder) for r in rows]


__all__ = [
    "BatchResult", "Branding", "PdfPrinter", "PdfUnavailableError", "ReportError", "ReportOutcome",
    "ReportParameterError", "ReportSpec", "check_parameters", "demo_specs", "execute", "export_html",
    "find_chromium", "load_branding", "portfolio_demo_specs", "portfolio_spec", "positioning_spec", "read_manifest",
    "render", "report_name", "run_batch", "slugify", "write_index",
]
