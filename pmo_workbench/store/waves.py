"""Assessments as waves: a PMO assessed again holds one assessment per wave, each with a label and fieldwork dates.

A wave's label ("2025", "2026 Q3") is unique per PMO; without one, an assessment is labelled with its year.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
import sqlalchemy as sa

from .._values import CONTROL, control_message, stored_dates
from ..assessment.instrument import Instrument
from ..assessment.responses import WAVE_MAX_LENGTH
from ..errors import InputValidationError, Problem, StoreError
from ._ids import lookup_id
from .schema import _ANS, _ASM, _ORG, _PMO, _RESP, STATUSES, _stored_text, _utcnow

ASSESSMENT_COLUMNS = ("assessment_id", "organisation", "pmo", "pmo_level", "parent_pmo", "instrument_id",
                      "instrument_version", "assessed_on", "status", "target", "respondents", "answers", "pmo_id",
                      "wave", "fieldwork_start", "fieldwork_end")
"""The columns of :meth:`AssessmentMixin.assessments` (and keys of :meth:`AssessmentMixin.assessment`)."""


def wave_label(text: str | None) -> str | None:
    """A wave label stripped of surrounding spaces (``None`` for none or blank).

    Raises
    ------
    StoreError
        For a label longer than :data:`~pmo_workbench.assessment.responses.WAVE_MAX_LENGTH` characters or
        holding a control character.
    """
    if text is None or not str(text).strip():
        return None
    label = str(text).strip()
    problem = control_message("wave", label, CONTROL)
    if problem:
        raise StoreError(problem)
    if len(label) > WAVE_MAX_LENGTH:
        raise StoreError(f"wave '{label[:20]}...' is {len(label)} characters long; a wave label has at most "
                         f"{WAVE_MAX_LENGTH} (e.g. 2025 or 2026 Q3)")
    return label


def _check_fieldwork(start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and end < start:
        raise StoreError(f"the fieldwork ends ({end}) before it starts ({start})")


class AssessmentMixin:
    """:class:`~pmo_workbench.store.Store`'s assessments: created, found by wave, listed."""

    def create_assessment(self, organisation: str, pmo: str, instrument: Instrument, *, wave: str | None = None,
                          fieldwork_start: dt.date | None = None, fieldwork_end: dt.date | None = None,
                          assessed_on: dt.date | None = None, status: str = "open", level: str | None = None,
                          parent: str | None = None) -> int:
        """The id of an assessment (one wave) of this PMO, created when new.

        Parameters
        ----------
        organisation, pmo
            The PMO (both created when new); ``level`` and ``parent`` are passed to :meth:`pmo`.
        instrument
            The instrument the wave's answers belong to.
        wave
            The wave's label: the PMO's assessment with that label (created when new). Without one: the PMO's
            assessment with this instrument version when it has exactly one, else a new one labelled with the
            year (of ``assessed_on``, else of ``fieldwork_start``, else of today; " (2)"... appended when taken).
        fieldwork_start, fieldwork_end
            When the answers are collected (set on a new assessment; an import fills them from the
            respondents' dates when not set).
        assessed_on, status
            Set on a new assessment; an existing one's are left as they are.

        Raises
        ------
        StoreError
            When the wave exists with another instrument version, when the PMO has several assessments of
            this instrument and no wave is named (the message lists them), for an unknown status, a wave label
            too long or with a control character, or a fieldwork ending before it starts.
        """
        if status not in STATUSES:
            raise StoreError(f"status '{status}' is not one of {', '.join(STATUSES)}")
        _check_fieldwork(fieldwork_start, fieldwork_end)
        self.use_instrument(instrument)
        with self._write() as conn:
            org_id = self._organisation(conn, organisation)
            pmo_id = self._pmo(conn, org_id, pmo, level=level, parent=parent)
            return self._assessment(conn, org_id, pmo_id, instrument, wave=wave, assessed_on=assessed_on,
                                    status=status, fieldwork=(fieldwork_start, fieldwork_end))[0]

    def assessments(self) -> pd.DataFrame:
        """Every assessment, oldest first.

        Columns: ``assessment_id``, ``organisation``, ``pmo``, ``pmo_level``,
        ``parent_pmo``, ``instrument_id``, ``instrument_version``,
        ``assessed_on`` (datetime, NaT when not set), ``status``, ``target`` (type id or ``None``: :meth:`set_target`),
        ``respondents`` and ``answers`` (answers with a value, "not
        applicable" or "don't know"; comments without an answer do not count), ``pmo_id``, ``wave`` (the
        label) and ``fieldwork_start``, ``fieldwork_end`` (datetime, NaT when not known). A PMO's waves:
        ``frame.query("pmo_id == @pmo_id")`` sorted by ``fieldwork_start`` (then ``assessed_on``, id).
        """
        with self._read() as conn:
            rows = conn.execute(self._assessment_query()).all()
        frame = pd.DataFrame(rows, columns=list(ASSESSMENT_COLUMNS))
        for name in _DATES:
            frame[name] = stored_dates(frame[name], key=f"assessments.{name}",
                                       rows=frame["assessment_id"]).to_numpy().astype("datetime64[us]")
        for name in ("assessment_id", "respondents", "answers", "pmo_id"):
            frame[name] = frame[name].astype("int64")
        return frame

    def assessment(self, assessment_id: int) -> dict:
        """One assessment's fields as in :meth:`assessments` (dates a ``date`` or ``None``)."""
        with self._read() as conn:
            row = conn.execute(self._assessment_query().where(_ASM.c.id == lookup_id(assessment_id))).first()
        if row is None:
            raise StoreError(f"no assessment {assessment_id} in {self.shown_url}")
        found = dict(zip(ASSESSMENT_COLUMNS, row))
        return {**found, **_days(found, found["assessment_id"])}

    # -- internals ---------------------------------------------------------------------------------------
    def _assessment(self, conn: sa.Connection, org_id: int, pmo_id: int, instrument: Instrument, *,
                    wave: str | None = None, assessed_on: dt.date | None = None, status: str = "open",
                    fieldwork: tuple[dt.date | None, dt.date | None] = (None, None)) -> tuple[int, bool]:
        """The assessment (id, created) of a PMO for ``wave`` (see :meth:`create_assessment`)."""
        wave = wave_label(wave)
        rows = [SimpleNamespace(**{**row._asdict(), **_days(row._asdict(), row.id)}) for row in conn.execute(
            sa.select(_ASM.c.id, _ASM.c.label, _ASM.c.instrument_id, _ASM.c.instrument_version,
                      *(_stored_text(_ASM.c[name]) for name in _DATES))
            .where(_ASM.c.pmo_id == pmo_id).order_by(_ASM.c.id))]
        version = (instrument.id, instrument.version)
        if wave is not None:
            for row in rows:
                if row.label == wave:
                    if (row.instrument_id, row.instrument_version) != version:
                        raise StoreError(f"wave '{wave}' (assessment {row.id}) uses the instrument {row.instrument_id} "
                                         f"{row.instrument_version}, not {instrument.id} {instrument.version}; "
                                         "name another wave for these answers")
                    return row.id, False
            from slugify import slugify  # as report file names spell a wave

            def slug(text: str) -> str:
                return slugify(text, max_length=60, word_boundary=True)

            for row in rows:
                if slug(row.label) == slug(wave):
                    raise StoreError(f"wave '{wave}' is too like wave '{row.label}' (assessment {row.id}) of this PMO: "
                                     "their reports would get one file name; name that wave exactly, or a "
                                     "clearly different one")
            label = wave
        else:
            same = [row for row in rows if (row.instrument_id, row.instrument_version) == version]
            if len(same) == 1:
                _refuse_other_time(same[0], assessed_on)
                return same[0].id, False
            if len(same) > 1:
                names = conn.execute(sa.select(_ORG.c.name, _PMO.c.name).join(_ORG, _PMO.c.organisation_id == _ORG.c.id)
                                     .where(_PMO.c.id == pmo_id)).one()
                listed = ", ".join(f"{row.label} (assessment {row.id})" for row in same)
                raise StoreError(f"PMO '{names[1]}' of '{names[0]}' has several waves: {listed}; name one "
                                 "(--wave LABEL; --assessment ID when importing), or open a new wave with "
                                 "--wave NEW-LABEL")
            year = str((assessed_on or fieldwork[0] or dt.date.today()).year)
            taken = {row.label for row in rows}
            label, n = year, 1
            while label in taken:
                n += 1
                label = f"{year} ({n})"
        result = conn.execute(sa.insert(_ASM).values(
            organisation_id=org_id, pmo_id=pmo_id, instrument_id=instrument.id,
            instrument_version=instrument.version, scale_min=instrument.scale.min, scale_max=instrument.scale.max,
            assessed_on=assessed_on, status=status, created_at=_utcnow(), label=label,
            fieldwork_start=fieldwork[0], fieldwork_end=fieldwork[1]))
        return result.inserted_primary_key[0], True

    def _fill_fieldwork(self, conn: sa.Connection, ids: list[int]) -> None:
        """Set the fieldwork dates not set of assessments ``ids`` to the first and last of their respondents'."""
        def of(aggregate):
            return (sa.select(aggregate(_RESP.c.assessed_on)).where(_RESP.c.assessment_id == _ASM.c.id)
                    .correlate(_ASM).scalar_subquery())

        conn.execute(sa.update(_ASM).where(_ASM.c.id.in_(ids), _ASM.c.fieldwork_start.is_(None))
                     .values(fieldwork_start=of(sa.func.min)))
        conn.execute(sa.update(_ASM).where(_ASM.c.id.in_(ids), _ASM.c.fieldwork_end.is_(None))
                     .values(fieldwork_end=of(sa.func.max)))

    def _assessment_query(self) -> sa.Select:
        parent = _PMO.alias("parent")
        n_respondents = (sa.select(sa.func.count()).where(_RESP.c.assessment_id == _ASM.c.id)
                         .correlate(_ASM).scalar_subquery())
        n_answers = (sa.select(sa.func.count(_answered()))
                     .select_from(_ANS.join(_RESP, _ANS.c.respondent_id == _RESP.c.id))
                     .where(_RESP.c.assessment_id == _ASM.c.id).correlate(_ASM).scalar_subquery())
        return (
            sa.select(_ASM.c.id, _ORG.c.name, _PMO.c.name, _PMO.c.level, parent.c.name, _ASM.c.instrument_id,
                      _ASM.c.instrument_version, _stored_text(_ASM.c.assessed_on), _ASM.c.status,
                      _ASM.c.target_type, n_respondents, n_answers, _ASM.c.pmo_id, _ASM.c.label,
                      _stored_text(_ASM.c.fieldwork_start), _stored_text(_ASM.c.fieldwork_end))
            .select_from(_ASM.join(_ORG, _ASM.c.organisation_id == _ORG.c.id)
                         .join(_PMO, _ASM.c.pmo_id == _PMO.c.id)
                         .outerjoin(parent, _PMO.c.parent_id == parent.c.id))
            .order_by(_ASM.c.id)
        )


_DATES = ("assessed_on", "fieldwork_start", "fieldwork_end")
"""An assessment's dates: read as the database holds them, then through the package's date reader, so a value
written by hand (``2026-02-30``, ``3026-01-01``) is a located problem rather than an error inside SQLAlchemy."""


def _days(row: dict, assessment_id: int) -> dict[str, dt.date | None]:
    """The dates of an assessment ``row`` (stored text) as dates or ``None``, through :func:`stored_dates`."""
    days = {}
    for name in _DATES:
        day = stored_dates(pd.Series([row[name]], dtype=object), key=f"assessments.{name}", rows=[assessment_id]).iat[0]
        days[name] = None if pd.isna(day) else day.date()
    return days


WAVE_GAP = dt.timedelta(days=180)
"""Answers dated this long before or after the fieldwork of a PMO's only wave are not of that wave."""


def _refuse_other_time(row, assessed_on: dt.date | None) -> None:
    """Raise :class:`StoreError` when answers dated ``assessed_on`` (their earliest date), given without a wave,
    lie more than :data:`WAVE_GAP` outside the fieldwork of the PMO's only wave ``row``: a later year's answers
    would otherwise overwrite that wave's."""
    start = _day(row.fieldwork_start) or _day(row.assessed_on)
    end = _day(row.fieldwork_end) or start
    when = _day(assessed_on)
    if when is None or start is None or start - WAVE_GAP <= when <= end + WAVE_GAP:
        return
    span = str(start) if end == start else f"{start} – {end}"
    raise StoreError(f"these answers are dated {when}, far from the fieldwork ({span}) of wave '{row.label}' "
                     f"(assessment {row.id}). Name the wave they belong to: --wave LABEL for a "
                     f"new wave (e.g. --wave {when.year}), or --assessment {row.id} to correct wave '{row.label}'")


def _day(value) -> dt.date | None:
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return None
    return value.date() if isinstance(value, dt.datetime) else value


def _answered():
    """1 for an answer row with a value, "not applicable" or "don't know", NULL for a comment alone (for
    ``count``)."""
    return sa.case((_ANS.c.value.is_not(None) | _ANS.c.not_applicable | _ANS.c.dont_know, 1))


def check_target(store, where: str, frame: pd.DataFrame, instrument: Instrument, assessment_id: int) -> str:
    """The label of assessment ``assessment_id`` when every row of ``frame`` may go to it; raises otherwise."""
    info = store.assessment(assessment_id)
    if (info["instrument_id"], info["instrument_version"]) != (instrument.id, instrument.version):
        raise StoreError(f"assessment {assessment_id} uses the instrument {info['instrument_id']} "
                         f"{info['instrument_version']}, not {instrument.id} {instrument.version}")
    problems = []
    rows = frame.drop_duplicates("source_row")
    more = []  # beyond the first ten rows of a column: counted, not listed
    for column, wanted in (("organisation", info["organisation"]), ("pmo", info["pmo"])):
        wrong = rows.loc[rows[column].astype(str) != wanted, ["source_row", column]]
        for row, value in wrong.head(10).to_numpy():
            problems.append(Problem(where, int(row), column, f"{column} '{value}' is not that of assessment "
                                    f"{assessment_id} ({info['pmo']} of {info['organisation']}); import it "
                                    "without --assessment, or correct the file"))
        if len(wrong) > 10:
            more.append(Problem(where, None, column, f"and {len(wrong) - 10} more rows of another {column}"))
    named = rows[rows["wave"].notna() & (rows["wave"] != info["wave"])]
    for row, value in named[["source_row", "wave"]].head(10).to_numpy():
        problems.append(Problem(where, int(row), "wave", f"wave '{value}' is not that of assessment "
                                f"{assessment_id} ('{info['wave']}'); import without --assessment or correct "
                                "the file"))
    if len(named) > 10:
        more.append(Problem(where, None, "wave", f"and {len(named) - 10} more rows of another wave"))
    if problems:
        raise InputValidationError(sorted(problems, key=lambda p: (p.row or 0, p.column or "")) + more)
    return info["wave"]


def check_blank_waves(where: str, frame: pd.DataFrame) -> None:
    """Raise :class:`InputValidationError` (located) for rows without a wave of a PMO whose other rows in the file
    name theirs: which wave they belong to cannot be told (taken as the PMO's assessment, they were merged into
    a wave the same file creates)."""
    rows = frame.drop_duplicates("source_row")
    blank = rows["wave"].isna()
    pmos = rows.loc[~blank, ["organisation", "pmo"]].astype(str).drop_duplicates()
    mixed = rows[blank].astype({"organisation": str, "pmo": str}).merge(pmos, on=["organisation", "pmo"])
    if mixed.empty:
        return
    named = rows[~blank]
    problems = []
    for org, pmo, row in mixed[["organisation", "pmo", "source_row"]].head(10).itertuples(index=False):
        waves = sorted(set(named.loc[(named["organisation"].astype(str) == org) & (named["pmo"].astype(str) == pmo),
                                     "wave"].astype(str)))
        problems.append(Problem(where, int(row), "wave", f"no wave, while other rows of PMO '{pmo}' name theirs "
                                f"({', '.join(waves)}); give every row of it its wave"))
    raise InputValidationError(problems)


def _refuse_closed(conn: sa.Connection, ids: list[int], assessments: set[int], respondents: set[int]) -> None:
    """Raise :class:`StoreError` (the transaction then writes nothing) when the import would add or change a
    respondent of (``assessments``: their assessment ids), or write an answer of (``respondents``: respondent ids),
    a closed assessment among the file's assessments ``ids``."""
    closed = [int(a) for a in conn.execute(sa.select(_ASM.c.id).where(_ASM.c.id.in_(ids),
                                                                      _ASM.c.status == "closed")).scalars()]
    if not closed:
        return
    owner = dict(conn.execute(sa.select(_RESP.c.id, _RESP.c.assessment_id)
                              .where(_RESP.c.assessment_id.in_(closed))).all())
    hit = sorted({a for a in closed if a in assessments} | {int(owner[r]) for r in respondents if r in owner})
    if hit:
        which = ", ".join(map(str, hit))
        raise StoreError(f"assessment {which} is closed: it takes no new respondents or changed answers; nothing "
                         f"imported (reopen it first: store reopen {hit[0]}; or import a new wave: --wave LABEL)")
