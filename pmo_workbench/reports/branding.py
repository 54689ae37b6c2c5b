"""How a consultancy's reports look: name, logo and colour from a branding YAML file."""

from __future__ import annotations

from pathlib import Path

import pydantic
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from .._yaml import load_yaml, locate, problems_from_pydantic
from ..errors import InputValidationError, Problem
from .safety import FileSafetyError, logo_data_uri, resolve_inside


KICKERS = {"positioning": "PMO assessment", "portfolio": "Portfolio report"}
"""The small line above each kind of report's title when the branding file gives none."""


class Branding(BaseModel):
    """How a consultancy's reports look: ``templates/report/branding.example.yaml`` shows every field."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    consultancy: str | None = None
    logo: Path | None = Field(default=None, description="a local PNG, JPEG, GIF or SVG file")
    colour: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")
    kicker: str | None = Field(default=None, description="the small line above the report title; by default "
                                                         "each kind of report's own (see KICKERS)")
    _logo_uri: str | None = PrivateAttr(default=None)

    def kicker_for(self, report: str) -> str:
        """The kicker of a kind of report: the branding file's, else the report's own (:data:`KICKERS`)."""
        return self.kicker or KICKERS.get(report, KICKERS["positioning"])

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
    return branding
