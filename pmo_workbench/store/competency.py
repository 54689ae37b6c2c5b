"""Competency assessments in the store: cohorts, the people rated, their raters and the ratings.

A competency assessment is one cohort of an organisation (``"Project managers 2026"``) rated with one competency
instrument (:mod:`pmo_workbench.assessment.competency`). It is kept in tables of its own (migration 0010), beside
the PMO assessments: nothing that lists, scores or reports PMO assessments meets it. Its unit of collection is a
**rater of a person** (:meth:`CompetencyMixin.add_rater`): the person themself (``self``), their line manager or a
peer; an intake row, an invitation and a form entry are each one rater's ratings of one person.

Ratings go in through :meth:`~CompetencyMixin.save_ratings` (the form, the web app) or
:meth:`~CompetencyMixin.import_competency` (a ratings file, checked by
:func:`~pmo_workbench.assessment.competency_responses.read_competency_responses` first), and come out as the
tidy frame :func:`~pmo_workbench.assessment.competency_scoring.score_competency` takes
(:meth:`~CompetencyMixin.competency_responses`) or as a ratings file (:meth:`~CompetencyMixin.export_competency`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from .._io import text_cell, write_csv, write_with
from .._values import stored_dates
from ..assessment.competency import CompetencyInstrument, builtin_competency, load_competency_instrument
from ..assessment.competency_responses import KEY_COLUMNS, TIDY_COLUMNS, read_competency_responses, same_name
from ..errors import StoreError
from ._ids import in_range, lookup_id
from .engine import _dialect_insert
from .schema import _CASM, _CRAT, _CSUB, _CVAL, _ORG, DONT_KNOW, _name, _stored_text, _utcnow

COMPETENCY_COLUMNS = ("competency_id", "organisation", "cohort", "instrument_id", "instrument_version", "status",
                      "people", "raters", "ratings")
"""Columns of :meth:`CompetencyMixin.competency_assessments`."""
RATER_COLUMNS = ("rater_id", "subject", "job_level", "rater", "role", "rated", "expected", "updated_at")
"""Columns of :meth:`CompetencyMixin.competency_raters`."""


@dataclass(frozen=True)
class CompetencyImport:
    """What :meth:`CompetencyMixin.import_competency` did: the assessments the file's ratings went to (file
    order), how many people and raters were new, and how many ratings new, changed or stored as given."""

    assessments: tuple[int, ...]
    people_added: int
    raters_added: int
    ratings_added: int
    ratings_changed: int
    ratings_unchanged: int


class CompetencyMixin:
    """:class:`~pmo_workbench.store.Store`'s competency assessments."""

    # -- instruments -----------------------------------------------------------------------------------
    def use_competency_instrument(self, instrument: CompetencyInstrument) -> None:
        """Make a (non built-in) competency instrument known to this session, for the cohorts that use it."""
        self._competency_instruments[(instrument.id, instrument.version)] = instrument

    def competency_instrument(self, competency_id: int, language: str | None = None) -> CompetencyInstrument:
        """The instrument a competency assessment uses; its texts in ``language`` when it is a built-in one or
        a file that has them (ids and numbers are the same in every language)."""
        info = self.competency_assessment(competency_id)
        found = self._competency_instrument(info["instrument_id"], info["instrument_version"])
        if language and language != found.language and language in found.languages and found._source is not None:
            return load_competency_instrument(found._source, language=language)
        return found

    def _competency_instrument(self, instrument_id: str, version: str) -> CompetencyInstrument:
        key = (instrument_id, version)
        if key not in self._competency_instruments:
            path = builtin_competency(instrument_id, version)
            found = load_competency_instrument(path) if path is not None else None
            if found is None or (found.id, found.version) != key:
                raise StoreError(f"competency instrument {instrument_id} {version} is not a built-in one; pass it to "
                                 "Store.use_competency_instrument() (--instrument PATH) before working on its "
                                 "cohorts")
            self._competency_instruments[key] = found
        return self._competency_instruments[key]

    # -- cohorts ---------------------------------------------------------------------------------------
    def create_cohort(self, organisation: str, cohort: str, instrument: CompetencyInstrument) -> int:
        """The id of the competency assessment of ``cohort`` of ``organisation`` (both created when new).

        Raises
        ------
        StoreError
            When the cohort exists with another instrument version, or a name is blank.
        """
        self.use_competency_instrument(instrument)
        with self._write() as conn:
            return self._cohort(conn, self._organisation(conn, organisation), cohort, instrument)[0]

    def competency_assessments(self) -> pd.DataFrame:
        """Every competency assessment, oldest first: :data:`COMPETENCY_COLUMNS` (``people`` rated, ``raters`` of
        them, ``ratings`` given: a value or "don't know")."""
        with self._read() as conn:
            rows = conn.execute(self._cohort_query()).all()
        frame = pd.DataFrame(rows, columns=list(COMPETENCY_COLUMNS))
        for name in ("competency_id", "people", "raters", "ratings"):
            frame[name] = frame[name].astype("int64")
        return frame

    def competency_assessment(self, competency_id: int) -> dict:
        """One competency assessment's fields as in :meth:`competency_assessments`."""
        with self._read() as conn:
            row = conn.execute(self._cohort_query().where(_CASM.c.id == lookup_id(competency_id))).first()
        if row is None:
            raise StoreError(f"no competency assessment {competency_id} in {self.shown_url}")
        return dict(zip(COMPETENCY_COLUMNS, row))

    def set_cohort_status(self, competency_id: int, status: str) -> None:
        """Close (``"closed"``: no more ratings, its links refused) or reopen (``"open"``) a competency
        assessment."""
        if status not in ("open", "closed"):
            raise StoreError(f"status '{status}' is not one of open, closed")
        with self._write() as conn:
            done = conn.execute(sa.update(_CASM).where(_CASM.c.id == lookup_id(competency_id)).values(status=status))
            if done.rowcount == 0:
                raise StoreError(f"no competency assessment {competency_id} in {self.shown_url}")

    # -- raters ----------------------------------------------------------------------------------------
    def add_rater(self, competency_id: int, subject: str, job_level: str, rater: str, role: str, *,
                  subject_email: str | None = None) -> int:
        """The id of ``rater``'s rating of ``subject`` (both created when new): what a form entry, an intake row
        and an invitation are for.

        Raises
        ------
        StoreError
            For an unknown role or job level, a self-rating by someone else, a manager or peer rating themself,
            a person stored with another job level, a rater stored with another role towards the person, or a
            new person or rater in a closed assessment. A name is matched to the one stored in any case and
            spacing (the stored spelling is kept).
        """
        with self._write() as conn:
            ins = self._cohort_instrument(conn, competency_id)
            rater_id, created = self._rater(conn, ins, competency_id, subject, job_level, rater, role, subject_email)
            if created and conn.execute(sa.select(_CASM.c.status).where(_CASM.c.id == competency_id)
                                        ).scalar_one() != "open":  # rolled back: nobody added
                raise StoreError(f"competency assessment {competency_id} is closed: no person or rater can be added "
                                 f"(`pmo-workbench competency reopen {competency_id}` reopens it)")
            return rater_id

    def competency_raters(self, competency_id: int) -> pd.DataFrame:
        """The raters of a competency assessment (one row per rater and person rated), in the order added:
        :data:`RATER_COLUMNS`; ``rated`` counts items with a value or "don't know", ``expected`` the items
        expected of the person's job level, ``updated_at`` the last rating saved (NaT before the first)."""
        with self._read() as conn:
            ins = self._cohort_instrument(conn, competency_id)
            rated = sa.func.count(sa.case((sa.or_(_CVAL.c.value.is_not(None), _CVAL.c.dont_know), 1)))
            rows = conn.execute(
                sa.select(_CRAT.c.id, _CSUB.c.name, _CSUB.c.job_level, _CRAT.c.rater, _CRAT.c.role, rated,
                          sa.func.max(_CVAL.c.updated_at))
                .select_from(_CRAT.join(_CSUB, _CRAT.c.subject_id == _CSUB.c.id)
                             .outerjoin(_CVAL, _CVAL.c.rater_id == _CRAT.c.id))
                .where(_CSUB.c.assessment_id == competency_id)
                .group_by(_CRAT.c.id, _CSUB.c.name, _CSUB.c.job_level, _CRAT.c.rater, _CRAT.c.role)
                .order_by(_CRAT.c.id)).all()
        frame = pd.DataFrame([(*r[:6], len(ins.items_for(r[2])), r[6]) for r in rows], columns=list(RATER_COLUMNS))
        for name in ("rater_id", "rated", "expected"):
            frame[name] = frame[name].astype("int64")
        frame["updated_at"] = pd.to_datetime(frame["updated_at"]).astype("datetime64[us]")
        return frame

    def rater_info(self, rater_id: int) -> dict:
        """A rater's ``competency_id``, ``organisation``, ``cohort``, ``subject``, ``job_level``, ``rater``,
        ``role`` and the competency assessment's ``status``."""
        with self._read() as conn:
            row = conn.execute(
                sa.select(_CASM.c.id, _ORG.c.name, _CASM.c.cohort, _CSUB.c.name, _CSUB.c.job_level, _CRAT.c.rater,
                          _CRAT.c.role, _CASM.c.status)
                .select_from(_CRAT.join(_CSUB, _CRAT.c.subject_id == _CSUB.c.id)
                             .join(_CASM, _CSUB.c.assessment_id == _CASM.c.id)
                             .join(_ORG, _CASM.c.organisation_id == _ORG.c.id))
                .where(_CRAT.c.id == lookup_id(rater_id))).first()
        if row is None:
            raise StoreError(f"no competency rater {rater_id} in {self.shown_url}")
        return dict(zip(("competency_id", "organisation", "cohort", "subject", "job_level", "rater", "role",
                         "status"), row))

    # -- ratings ---------------------------------------------------------------------------------------
    def save_ratings(self, rater_id: int, ratings: Mapping[str, int | str | None],
                     comments: Mapping[str, str | None] | None = None) -> None:
        """Store one rater's ratings of one person in one transaction (all or none).

        ``ratings`` maps item ids to a whole number on the scale, ``"DK"`` (don't know, any case) or ``None``
        (removes the rating; the row stays while it has a comment). ``comments`` maps item ids to a text
        (blank removes it).

        Raises
        ------
        StoreError
            Naming every unknown item, value off the scale, and rating of an item not expected of the person's
            job level; or a closed assessment. Nothing is stored then.
        """
        with self._write() as conn:
            info = conn.execute(
                sa.select(_CSUB.c.assessment_id, _CSUB.c.job_level, _CASM.c.status)
                .select_from(_CRAT.join(_CSUB, _CRAT.c.subject_id == _CSUB.c.id)
                             .join(_CASM, _CSUB.c.assessment_id == _CASM.c.id))
                .where(_CRAT.c.id == lookup_id(rater_id))).first()
            if info is None:
                raise StoreError(f"no competency rater {rater_id} in {self.shown_url}")
            if info.status != "open":
                raise StoreError(f"competency assessment {info.assessment_id} is closed; nothing was saved")
            ins = self._cohort_instrument(conn, info.assessment_id)
            stored = {r.item: r for r in conn.execute(sa.select(_CVAL.c.item, _CVAL.c.value, _CVAL.c.dont_know,
                                                                _CVAL.c.comment)
                                                      .where(_CVAL.c.rater_id == rater_id))}
            comments = dict(comments or {})
            problems, rows, cleared = [], [], []
            now = _utcnow()
            for item in list(dict.fromkeys([*ratings, *comments])):
                old = stored.get(item)
                if item in ratings:
                    value, problem = check_rating(ins, item, ratings[item], info.job_level)
                else:
                    value, problem = (None if old is None else DONT_KNOW if old.dont_know else old.value), None
                    if item not in ins.items.index:
                        problem = f"unknown item '{item}' (the instrument {ins.spec} has no such item)"
                if problem:
                    problems.append(problem)
                    continue
                comment = comments[item] if item in comments else (old.comment if old is not None else None)
                comment = str(comment).strip() or None if comment is not None else None
                if value is None and comment is None:
                    cleared.append(item)
                    continue
                rows.append({"rater_id": rater_id, "item": item, "value": None if value == DONT_KNOW else value,
                             "dont_know": value == DONT_KNOW, "comment": comment, "updated_at": now})
            if problems:
                raise StoreError(f"rater {rater_id}: " + "; ".join(problems) + "; nothing was saved")
            if cleared:
                conn.execute(sa.delete(_CVAL).where(_CVAL.c.rater_id == rater_id, _CVAL.c.item.in_(cleared)))
            _upsert_ratings(conn, rows)

    def ratings(self, rater_id: int) -> dict[str, tuple[int | str | None, str | None]]:
        """A rater's stored ratings: item -> (value, comment); value a whole number, ``"DK"`` or ``None``."""
        with self._read() as conn:
            rows = conn.execute(sa.select(_CVAL.c.item, _CVAL.c.value, _CVAL.c.dont_know, _CVAL.c.comment)
                                .where(_CVAL.c.rater_id == lookup_id(rater_id)).order_by(_CVAL.c.id)).all()
        return {item: (DONT_KNOW if dk else value, comment) for item, value, dk, comment in rows}

    # -- files -----------------------------------------------------------------------------------------
    def import_competency(self, path: str | os.PathLike, instrument: CompetencyInstrument) -> CompetencyImport:
        """Import a ratings file (CSV or XLSX, long or wide) in one transaction.

        The file is checked by :func:`read_competency_responses` first (an invalid file raises
        :class:`~pmo_workbench.errors.InputValidationError` with every problem; nothing is written). Cohorts
        (organisation and cohort), people and raters are found or created and the ratings upserted: importing
        the same file twice, or a file this store exported, changes nothing. A blank value keeps what is
        stored; a comment given replaces the stored one.

        Raises
        ------
        StoreError
            When a cohort uses another instrument or is closed, a person is stored with another job level, or
            a rater with another role towards a person (each named); nothing is written then.
        """
        frame = read_competency_responses(path, instrument)
        self.use_competency_instrument(instrument)
        where = Path(path).name
        with self._write() as conn:
            ids: dict[tuple[str, str], int] = {}
            people_before = raters_before = 0
            for org, cohort in frame[["organisation", "cohort"]].drop_duplicates().itertuples(index=False):
                competency_id, _ = self._cohort(conn, self._organisation(conn, org), cohort, instrument)
                status = conn.execute(sa.select(_CASM.c.status).where(_CASM.c.id == competency_id)).scalar_one()
                if status != "open":
                    raise StoreError(f"{where}: cohort '{cohort}' of '{org}' (competency assessment {competency_id}) "
                                     "is closed; reopen it to import ratings; nothing imported")
                ids[(org, cohort)] = competency_id
                people_before += _count(conn, _CSUB, _CSUB.c.assessment_id == competency_id)
                raters_before += _count(conn, _CRAT, _CRAT.c.subject_id.in_(
                    sa.select(_CSUB.c.id).where(_CSUB.c.assessment_id == competency_id)))
            pairs = frame.drop_duplicates(["organisation", "cohort", "subject", "rater"])
            rater_of: dict[tuple[str, str, str, str], int] = {}
            for r in pairs.itertuples(index=False):
                date = None if pd.isna(r.assessed_on) else r.assessed_on.date()
                try:
                    rater_of[(r.organisation, r.cohort, r.subject, r.rater)], _ = self._rater(
                        conn, instrument, ids[(r.organisation, r.cohort)], r.subject, str(r.job_level), r.rater,
                        str(r.role), None, assessed_on=date)
                except StoreError as exc:
                    raise StoreError(f"{where}:{r.source_row}: {exc}; nothing imported") from None
            people_added = sum(_count(conn, _CSUB, _CSUB.c.assessment_id == i) for i in ids.values()) - people_before
            raters_added = sum(_count(conn, _CRAT, _CRAT.c.subject_id.in_(
                sa.select(_CSUB.c.id).where(_CSUB.c.assessment_id == i))) for i in ids.values()) - raters_before
            given = frame[frame["value"].notna() | frame["dont_know"] | frame["comment"].ne("")]
            keys = list(zip(given["organisation"], given["cohort"], given["subject"], given["rater"]))
            rater_ids = [rater_of[k] for k in keys]
            stored = {(r.rater_id, r.item): r for r in conn.execute(
                sa.select(_CVAL.c.rater_id, _CVAL.c.item, _CVAL.c.value, _CVAL.c.dont_know, _CVAL.c.comment)
                .where(_CVAL.c.rater_id.in_(sorted(set(rater_ids)) or [0])))}
            now = _utcnow()
            rows, added, changed, unchanged = [], 0, 0, 0
            for rater_id, item, value, dk, comment in zip(rater_ids, given["item"].astype(str), given["value"],
                                                          given["dont_know"], given["comment"]):
                old = stored.get((rater_id, item))
                blank = value != value and not dk
                new_value = None if value != value else int(value)
                new_dk = bool(dk)
                if blank and old is not None:
                    new_value, new_dk = old.value, bool(old.dont_know)
                new_comment = comment or (old.comment if old is not None else None)
                if old is None:
                    added += 1
                elif (old.value, bool(old.dont_know), old.comment) == (new_value, new_dk, new_comment):
                    unchanged += 1
                    continue
                else:
                    changed += 1
                rows.append({"rater_id": rater_id, "item": item, "value": new_value, "dont_know": new_dk,
                             "comment": new_comment, "updated_at": now})
            _upsert_ratings(conn, rows)
        return CompetencyImport(tuple(ids.values()), people_added, raters_added, added, changed, unchanged)

    def competency_responses(self, competency_id: int | Sequence[int] | None = None) -> pd.DataFrame:
        """The stored ratings as the tidy frame :func:`read_competency_responses` returns (same columns, dtypes and
        categories): one row per rater and item of the instrument, raters in the order added, items in instrument
        order, value NaN where nothing is stored, as a wide file lists them; ``source_row`` is the row of the
        rater in a wide file :meth:`export_competency` writes. ``None``: every competency assessment (all must
        use the same instrument version).
        """
        frame, _ = self._competency_frame(competency_id)
        return frame

    def export_competency(self, path: str | os.PathLike, *, competency_id: int | Sequence[int] | None = None,
                          form: str = "wide") -> Path:
        """Write stored ratings as a ratings file that :func:`read_competency_responses` reads back to
        :meth:`competency_responses` (``form="wide"``: one row per rater and person, one column per item, no
        comments; ``"long"``: one row per rating given, with comments). ``.csv`` or ``.xlsx``; "don't know" is
        written ``DK``, nothing stored is blank; text is written as text, never a formula. Written atomically.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise StoreError(f"export file must end in .csv or .xlsx, got '{path.name}'")
        if form not in ("long", "wide"):
            raise StoreError(f"form must be 'long' or 'wide', got {form!r}")
        frame, instrument = self._competency_frame(competency_id)
        text = frame.assign(
            value=frame["value"].map(lambda v: "" if v != v else str(int(v))).where(~frame["dont_know"], DONT_KNOW),
            assessed_on=frame["assessed_on"].dt.strftime("%Y-%m-%d").fillna(""))
        keys = [*KEY_COLUMNS, "assessed_on"]
        if form == "wide":
            table = text.pivot(index="source_row", columns="item", values="value")
            table = table.reindex(columns=list(instrument.items.index)).fillna("")
            meta = text.drop_duplicates("source_row").set_index("source_row")[keys].astype(object)
            table = pd.concat([meta, table], axis=1).reset_index(drop=True)
        else:
            given = text[text["value"].ne("") | text["comment"].ne("")]
            table = given[[*KEY_COLUMNS, "item", "value", "assessed_on", "comment"]].reset_index(drop=True)
        table = table.astype(object).astype(str)
        if suffix == ".csv":
            return write_csv(table, path)
        return write_with(path, lambda tmp: _workbook(table, set(instrument.items.index) | {"value"}).save(tmp))

    # -- internals -------------------------------------------------------------------------------------
    def _competency_frame(self, competency_id) -> tuple[pd.DataFrame, CompetencyInstrument]:
        with self._read() as conn:
            query = sa.select(_CASM.c.id, _CASM.c.instrument_id, _CASM.c.instrument_version)
            if competency_id is not None:
                ids = [int(competency_id)] if np.ndim(competency_id) == 0 else [int(i) for i in competency_id]
                query = query.where(_CASM.c.id.in_([i for i in ids if in_range(i)]))
            chosen = conn.execute(query.order_by(_CASM.c.id)).all()
            if competency_id is not None and len(chosen) < len(set(ids)):
                missing = sorted(set(ids) - {row[0] for row in chosen})
                raise StoreError(f"no competency assessment {', '.join(map(str, missing))} in {self.shown_url}")
            if not chosen:
                raise StoreError(f"no competency assessments in {self.shown_url}; import a ratings file "
                                 "(competency import) or create one")
            versions = sorted({(row[1], row[2]) for row in chosen})
            if len(versions) > 1:
                raise StoreError("the competency assessments use different instruments (" +
                                 ", ".join(f"{i} {v}" for i, v in versions) + "); ask for one instrument at a time")
            ins = self._competency_instrument(*versions[0])
            raters = conn.execute(
                sa.select(_CRAT.c.id, _ORG.c.name, _CASM.c.cohort, _CSUB.c.name, _CSUB.c.job_level, _CRAT.c.rater,
                          _CRAT.c.role, _stored_text(_CRAT.c.assessed_on))
                .select_from(_CRAT.join(_CSUB, _CRAT.c.subject_id == _CSUB.c.id)
                             .join(_CASM, _CSUB.c.assessment_id == _CASM.c.id)
                             .join(_ORG, _CASM.c.organisation_id == _ORG.c.id))
                .where(_CASM.c.id.in_([row[0] for row in chosen]))
                .order_by(_CASM.c.id, _CRAT.c.id)).all()
            rated = conn.execute(
                sa.select(_CVAL.c.rater_id, _CVAL.c.item, _CVAL.c.value, _CVAL.c.dont_know, _CVAL.c.comment)
                .where(_CVAL.c.rater_id.in_([r[0] for r in raters] or [0]))).all()
        items = list(ins.items.index)
        grid = pd.DataFrame([(*r, item, position + 2) for position, r in enumerate(raters) for item in items],
                            columns=["rater_id", "organisation", "cohort", "subject", "job_level", "rater", "role",
                                     "assessed_on", "item", "source_row"])
        values = pd.DataFrame(rated, columns=["rater_id", "item", "value", "dont_know", "comment"])
        grid = grid.merge(values, how="left", on=["rater_id", "item"], sort=False)
        tidy = pd.DataFrame({name: grid[name].astype(object).astype(str)
                             for name in ("organisation", "cohort", "subject")})
        tidy["job_level"] = pd.Categorical(grid["job_level"].astype(object), categories=ins.level_ids)
        tidy["rater"] = grid["rater"].astype(object).astype(str)
        tidy["role"] = pd.Categorical(grid["role"].astype(object), categories=ins.role_ids)
        tidy["item"] = pd.Categorical(grid["item"].astype(object), categories=ins.items.index)
        tidy["area"] = pd.Categorical(grid["item"].map(ins.items["area"]).astype(object), categories=ins.area_ids)
        tidy["value"] = pd.to_numeric(grid["value"], errors="coerce").astype(float)
        tidy["dont_know"] = grid["dont_know"].astype(object).where(grid["dont_know"].notna(), False).astype(bool)
        # Through the one date reader; a bad stored value is located by the rater's id.
        tidy["assessed_on"] = stored_dates(grid["assessed_on"], key="competency_raters.assessed_on",
                                           rows=grid["rater_id"]).to_numpy()
        tidy["comment"] = grid["comment"].astype(object).where(grid["comment"].notna(), "").astype(str)
        tidy["source_row"] = grid["source_row"].astype("int64")
        return tidy.loc[:, list(TIDY_COLUMNS)].reset_index(drop=True), ins

    def _cohort_instrument(self, conn: sa.Connection, competency_id: int) -> CompetencyInstrument:
        row = conn.execute(sa.select(_CASM.c.instrument_id, _CASM.c.instrument_version)
                           .where(_CASM.c.id == lookup_id(competency_id))).first()
        if row is None:
            raise StoreError(f"no competency assessment {competency_id} in {self.shown_url}")
        return self._competency_instrument(*row)

    def _cohort(self, conn: sa.Connection, org_id: int, cohort: str, ins: CompetencyInstrument) -> tuple[int, bool]:
        cohort = _name(cohort, "cohort")
        row = conn.execute(sa.select(_CASM.c.id, _CASM.c.instrument_id, _CASM.c.instrument_version)
                           .where(_CASM.c.organisation_id == org_id, _CASM.c.cohort == cohort)).first()
        if row is not None:
            if (row.instrument_id, row.instrument_version) != (ins.id, ins.version):
                raise StoreError(f"cohort '{cohort}' (competency assessment {row.id}) is rated with "
                                 f"{row.instrument_id} {row.instrument_version}, not {ins.id} {ins.version}")
            return row.id, False
        result = conn.execute(sa.insert(_CASM).values(
            organisation_id=org_id, cohort=cohort, instrument_id=ins.id, instrument_version=ins.version,
            scale_min=ins.scale.min, scale_max=ins.scale.max, status="open", created_at=_utcnow()))
        return result.inserted_primary_key[0], True

    def _rater(self, conn: sa.Connection, ins: CompetencyInstrument, competency_id: int, subject: str,
               job_level: str, rater: str, role: str, subject_email: str | None, *, assessed_on=None
               ) -> tuple[int, bool]:
        subject, rater = _name(subject, "person rated"), _name(rater, "rater")
        if role not in ins.role_ids:
            raise StoreError(f"unknown role '{role}'; expected one of {', '.join(ins.role_ids)}")
        if job_level not in ins.level_ids:
            raise StoreError(f"unknown job level '{job_level}'; expected one of {', '.join(ins.level_ids)}")
        if role == "self" and name_key(rater) != name_key(subject):
            raise StoreError(f"a self-rating's rater is the person rated: '{rater}' cannot rate '{subject}' as self")
        if role != "self" and name_key(rater) == name_key(subject):
            raise StoreError(f"'{rater}' rates themself with role {role}; a person rates themself as self")
        key = name_key(subject)  # a second spelling ("ana  SILVA") is the person stored, never a new one
        found = next((r for r in conn.execute(sa.select(_CSUB.c.id, _CSUB.c.name, _CSUB.c.job_level, _CSUB.c.email)
                                              .where(_CSUB.c.assessment_id == competency_id)).all()
                      if name_key(r.name) == key), None)
        if found is None:
            subject_id = conn.execute(sa.insert(_CSUB).values(assessment_id=competency_id, name=subject,
                                                              job_level=job_level, email=subject_email)
                                      ).inserted_primary_key[0]
        else:
            subject_id, subject = found.id, found.name
            if found.job_level != job_level:
                raise StoreError(f"'{subject}' is stored as {found.job_level}, not {job_level}; a person has one "
                                 "job level")
            if subject_email and not found.email:
                conn.execute(sa.update(_CSUB).where(_CSUB.c.id == subject_id).values(email=subject_email))
        rater = subject if role == "self" else _stored_spelling(conn, competency_id, rater)
        key = name_key(rater)
        row = next((r for r in conn.execute(sa.select(_CRAT.c.id, _CRAT.c.rater, _CRAT.c.role, _CRAT.c.assessed_on)
                                            .where(_CRAT.c.subject_id == subject_id)).all()
                    if name_key(r.rater) == key), None)
        if row is not None:
            rater = row.rater
            if row.role != role:
                raise StoreError(f"'{rater}' rates '{subject}' as {row.role} in the store, not as {role}; a rater "
                                 "has one role towards a person")
            if assessed_on is not None and row.assessed_on != assessed_on:
                conn.execute(sa.update(_CRAT).where(_CRAT.c.id == row.id).values(assessed_on=assessed_on))
            return row.id, False
        result = conn.execute(sa.insert(_CRAT).values(subject_id=subject_id, rater=rater, role=role,
                                                      assessed_on=assessed_on, created_at=_utcnow()))
        return result.inserted_primary_key[0], True

    def _cohort_query(self) -> sa.Select:
        people = (sa.select(sa.func.count()).select_from(_CSUB).where(_CSUB.c.assessment_id == _CASM.c.id)
                  .correlate(_CASM).scalar_subquery())
        raters = (sa.select(sa.func.count()).select_from(_CRAT.join(_CSUB, _CRAT.c.subject_id == _CSUB.c.id))
                  .where(_CSUB.c.assessment_id == _CASM.c.id).correlate(_CASM).scalar_subquery())
        ratings = (sa.select(sa.func.count()).select_from(
            _CVAL.join(_CRAT, _CVAL.c.rater_id == _CRAT.c.id).join(_CSUB, _CRAT.c.subject_id == _CSUB.c.id))
            .where(_CSUB.c.assessment_id == _CASM.c.id, sa.or_(_CVAL.c.value.is_not(None), _CVAL.c.dont_know))
            .correlate(_CASM).scalar_subquery())
        return (sa.select(_CASM.c.id, _ORG.c.name, _CASM.c.cohort, _CASM.c.instrument_id, _CASM.c.instrument_version,
                          _CASM.c.status, people, raters, ratings)
                .select_from(_CASM.join(_ORG, _CASM.c.organisation_id == _ORG.c.id)).order_by(_CASM.c.id))


def _stored_spelling(conn: sa.Connection, competency_id: int, name: str) -> str:
    """``name`` as the assessment stores it already (a person rated or a rater), else as given."""
    key = name_key(name)
    people = sa.select(_CSUB.c.name).where(_CSUB.c.assessment_id == competency_id)
    raters = (sa.select(_CRAT.c.rater).join(_CSUB, _CRAT.c.subject_id == _CSUB.c.id)
              .where(_CSUB.c.assessment_id == competency_id))
    return next((n for (n,) in conn.execute(people.union_all(raters)).all() if name_key(n) == key), name)


def name_key(text: str) -> str:
    """A name as the store matches people and raters: :func:`same_name` (NFC, spaces), then case-folded."""
    return same_name(text).casefold()


def check_rating(ins: CompetencyInstrument, item: str, value, job_level: str) -> tuple[int | str | None, str | None]:
    """The rating to store (a whole number, ``"DK"`` or ``None``), or a message saying why it cannot be."""
    if item not in ins.items.index:
        return None, f"unknown item '{item}' (the instrument {ins.spec} has no such item)"
    if value is None or (isinstance(value, float) and np.isnan(value)) or (
            isinstance(value, str) and not value.strip()):
        return None, None
    if not ins.expected(item, job_level):
        return None, (f"item {item} is not expected of a {ins.level_label(job_level).lower()}; leave it blank")
    if isinstance(value, str) and value.strip().upper() == DONT_KNOW:
        return DONT_KNOW, None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            pass
    lo, hi = ins.scale.min, ins.scale.max
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or (
            float(value) % 1 != 0 or not lo <= value <= hi):
        return None, (f"item {item}: {value!r} is not a rating; expected a whole number from {lo} to {hi}, "
                      f"'{DONT_KNOW}' (don't know) or nothing")
    return int(value), None


def _count(conn: sa.Connection, table: sa.Table, where) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(table).where(where)).scalar_one())


def _upsert_ratings(conn: sa.Connection, rows: list[dict]) -> None:
    if not rows:
        return
    insert = _dialect_insert(conn)
    if insert is not None:
        statement = insert(_CVAL)
        statement = statement.on_conflict_do_update(
            index_elements=["rater_id", "item"],
            set_={"value": statement.excluded.value, "dont_know": statement.excluded.dont_know,
                  "comment": statement.excluded.comment, "updated_at": statement.excluded.updated_at})
        conn.execute(statement, rows)
        return
    for row in rows:
        done = conn.execute(sa.update(_CVAL).where(_CVAL.c.rater_id == row["rater_id"], _CVAL.c.item == row["item"])
                            .values(value=row["value"], dont_know=row["dont_know"], comment=row["comment"],
                                    updated_at=row["updated_at"]))
        if done.rowcount == 0:
            conn.execute(sa.insert(_CVAL), [row])


def _workbook(table: pd.DataFrame, numeric: set[str]):
    """Sheet ``responses``: ratings as numbers, ``DK`` and every other text as text (never a formula)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "responses"
    ws.append([text_cell(ws, str(c)) for c in table.columns])
    for row in table.itertuples(index=False):
        ws.append([None if v == "" else int(v) if c in numeric and v != DONT_KNOW else text_cell(ws, v)
                   for c, v in zip(table.columns, row)])
    return wb
