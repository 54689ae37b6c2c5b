"""How a consultancy's reports look: name, logo and colour from a branding YAML file."""

from __future__ import annotations

from pathlib import Path

import pydantic
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from .._yaml import load_yaml, locate, problems_from_pydantic
from ..errors import InputValidationError, Problem
from ..i18n import N_, _
from .._safety import FileSafetyError, logo_data_uri, resolve_inside


KICKERS = {"positioning": N_("PMO assessment"), "portfolio": N_("Portfolio report"), "progress": N_("PMO assessment"),
           "competency": N_("Competency assessment"), "profile": N_("Competency assessment")}
"""The small line above each kind of report's title when the branding file gives none."""


class Branding(BaseModel):
    """How a consultancy's reports look: ``templates/report/branding.example.yaml`` shows every field."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    consultancy: str | None = None
    logo: Path | None = Field(default=None, description="a local PNG, JPEG, GIF or SVG file")
    colour: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")
    kicker: str | None = Field(default=None, description="the small line above the report title; by default "
                                                         "each kind of report's own (see KICKERS)")
    deck: Path | None = Field(default=None, description="a PowerPoint master (.pptx) the slide decks are built on, "
                                                       "instead of templates/report/deck.pptx")
    _logo_uri: str | None = PrivateAttr(default=None)

    def kicker_for(self, report: str) -> str:
        """The kicker of a kind of report: the branding file's, else the report's own (:data:`KICKERS`)."""
        return self.kicker or _(KICKERS.get(report, KICKERS["positioning"]))

    @property
    def logo_uri(self) -> str | None:
        """The logo as a ``data:`` URI, checked when the branding file was loaded; ``None`` without a logo."""
        return self._logo_uri


def load_branding(path: str | Path | None) -> Branding:
    """Read a branding YAML file (``None`` gives the default look).

    The logo is named relative to the branding file and must stay in its folder
    (symlinks are followed); its bytes must be an image of the type its name
    says (PNG, JPEG, GIF, or an SVG without scripts or external references).
    Anything else is refused, so no other file can end up embedded in a report.
    The ``deck`` master is checked the same way: in the branding file's folder, and really a ``.pptx``
    (:func:`check_master`).
    """
    if path is None:
        return Branding()
    path = Path(path)
    data, node = load_yaml(path)
    try:
        branding = Branding.model_validate(data)
    except pydantic.ValidationError as exc:
        raise InputValidationError(problems_from_pydantic(path, node, exc)) from None
    if branding.logo is not None:
        row, _ = locate(node, ("logo",))
        try:
            logo = resolve_inside(branding.logo, path.resolve().parent)
            uri = logo_data_uri(logo, path.resolve())
        except (FileSafetyError, OSError) as exc:
            raise InputValidationError([Problem(str(path), row, "logo", f"logo refused: {exc}")]) from None
        branding = branding.model_copy(update={"logo": logo})
        branding._logo_uri = uri
    if branding.deck is not None:
        row, _ = locate(node, ("deck",))
        try:
            master = resolve_inside(branding.deck, path.resolve().parent)
            check_master(master)
        except (FileSafetyError, OSError) as exc:
            raise InputValidationError([Problem(str(path), row, "deck", f"deck refused: {exc}")]) from None
        logo_uri = branding._logo_uri
        branding = branding.model_copy(update={"deck": master})
        branding._logo_uri = logo_uri
    return branding


MAX_MASTER_BYTES = 50 * 1024 * 1024
"""A slide master larger than this is refused (a master holds layouts and a few images)."""


def check_master(path: Path, *, max_bytes: int = MAX_MASTER_BYTES) -> None:
    """Refuse a ``deck`` master that is not a PowerPoint file: a regular ``.pptx`` file, a zip archive holding
    ``ppt/presentation.xml``, no larger than ``max_bytes``.

    Raises
    ------
    FileSafetyError
        With what was found instead.
    """
    import zipfile

    if path.suffix.lower() != ".pptx":
        raise FileSafetyError(f"{path.name}: a slide master must be a .pptx file")
    if not path.is_file():
        raise FileSafetyError(f"{path}: no such file")
    if path.stat().st_size > max_bytes:
        raise FileSafetyError(f"{path.name}: larger than {max_bytes // (1024 * 1024)} MB")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileSafetyError(f"{path.name}: not a PowerPoint file ({exc})") from None
    if "ppt/presentation.xml" not in names:
        raise FileSafetyError(f"{path.name}: a zip archive but not a PowerPoint presentation")
    from pptx import Presentation

    try:  # a template (.potx) renamed, or a damaged part, is refused now rather than after the report has run
        Presentation(str(path))
    except Exception as exc:  # noqa: BLE001 - python-pptx raises many kinds on a file it cannot read
        raise FileSafetyError(f"{path.name}: cannot be opened as a presentation ({type(exc).__name__}: {exc}); "
                              "save it from PowerPoint as a .pptx presentation") from None
