"""Stored answers as frames and files: the tidy frame scoring takes, long and wide responses files."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from .._io import write_csv, write_with
from .._spreadsheet import per_value
from .._values import stored_dates
from ..assessment.instrument import Instrument
from ..assessment.responses import KEY_COLUMNS, PMO_LEVELS, TIDY_COLUMNS, read_responses
from ..errors import NoAnswersError, StoreError
from .cache import _inputs_of, _private_folder, forget_inputs, input_folder  # noqa: F401 - public here too
from .schema import _ANS, _NA_RAW, _NA_TEXT, _RESP, DONT_KNOW, _utcnow
from .tables import _long_table, _value_text, _wide_table, _workbook
from .waves import _refuse_closed, check_blank_waves, check_target, wave_label


@dataclass(frozen=True)
class ImportResult:
    """What :meth:`Store.import_responses` did: ``assessments``, the ids the file's answers went to (file order);
    how many respondents were new, and how many answers new, changed (value or comment) or stored as given."""

    assessments: tuple[int, ...]
    respondents_added: int
    answers_added: int
    answers_changed: int
    answers_unchanged: int



class FileMixin:
    """:class:`~pmo_workbench.store.Store`'s import and export of responses files."""

    # -- files -----------------------------------------------------------------------------------------
    def import_responses(self, path: str | os.PathLike, instrument: Instrument, *, wave: str | None = None,
                         assessment_id: int | None = None) -> ImportResult:
        """Import a responses file (CSV or XLSX, long or wide) in one transaction.

        The file is checked by :func:`~pmo_workbench.responses.read_responses`
        first; an invalid file raises
        :class:`~pmo_workbench.errors.InputValidationError` with every problem
        and nothing is written. Organisations, PMOs, assessments and
        respondents (by their id within the assessment) are found or created,
        and the answers upserted: importing the same file twice, or a file this
        store exported, changes nothing.

        Rows go to the assessment of their (organisation, PMO, wave): the
        row's ``wave`` cell, else ``wave``, else the PMO's assessment of this
        instrument version when it has one, else a new one labelled with the
        year (see :meth:`create_assessment`). With ``assessment_id`` every row
        goes to that assessment: each must be of its PMO and name no other
        wave (located errors otherwise). A new assessment's fieldwork dates,
        when not set, become the first and last of its respondents' dates.
        Importing into a closed assessment raises :class:`StoreError`.

        A value ``NA`` (or ``n/a``) is stored as "not applicable", ``DK`` (any
        case) as "don't know". A blank
        value means the file has no answer: a stored answer is kept as it is
        and no row is added, unless the row has a comment (stored alone, or
        next to the stored answer). A file without a ``comment`` column (every
        wide file) leaves stored comments as they are.
        """
        frame = read_responses(path, instrument)
        self.use_instrument(instrument)
        not_applicable, has_comments = _file_markers(Path(path), frame, instrument)
        frame = frame.assign(not_applicable=not_applicable & ~frame["dont_know"].to_numpy(bool))
        if assessment_id is not None:
            frame = frame.assign(wave=check_target(self, str(path), frame, instrument, assessment_id))
        else:
            given = wave_label(wave)
            if given is None:
                check_blank_waves(str(path), frame)
            named = set(frame["wave"].dropna().astype(str))
            if given is not None and frame["wave"].notna().all() and given not in named:
                raise StoreError(f"wave '{given}' would not be used: every row of {Path(path).name} names its wave "
                                 f"({', '.join(sorted(named))}); nothing imported")
            frame = frame.assign(wave=frame["wave"].where(frame["wave"].notna(), given))
        return self._import_frame(frame, instrument, has_comments=has_comments)

    def export_responses(self, path: str | os.PathLike, *, assessment_id: int | Sequence[int] | None = None,
                         form: str = "long", unanswered: bool = True) -> Path:
        """Write stored answers as a responses file that :func:`read_responses` reads back.

        ``.csv`` or ``.xlsx`` by the suffix of ``path``; ``form`` ``"long"``
        (one answer per row, comments included) or ``"wide"`` (one row per
        respondent, one column per item; the wide form has no comments).
        "Not applicable" is written ``NA``, "don't know" ``DK``, no answer is blank (a responses
        file reads both as not answered; :meth:`import_responses` tells them
        apart). Rows follow :meth:`responses`. A respondent with nothing answered yet
        (``unanswered``, the default) is written with blank values: every item their
        role is asked in the long form, one row in the wide form; so an assessment
        with no answers yet exports its respondents, and importing the file back
        changes nothing. Text is written as text, never
        as a spreadsheet formula. Written atomically; returns the path.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise StoreError(f"export file must end in .csv or .xlsx, got '{path.name}'")
        if form not in ("long", "wide"):
            raise StoreError(f"form must be 'long' or 'wide', got {form!r}")
        raw, instrument = self._stored(assessment_id, unanswered=unanswered)
        frame = _tidy_frame(raw, instrument)
        values = (_value_text(frame["value"]).where(~raw["not_applicable"].to_numpy(), _NA_TEXT)
                  .where(~raw["dont_know"].to_numpy(), DONT_KNOW))
        table = _long_table(frame, values, instrument) if form == "long" else _wide_table(frame, values)
        if suffix == ".csv":
            return write_csv(table, path)
        return write_with(path, lambda tmp: _workbook(table).save(tmp))

    def _import_frame(self, frame: pd.DataFrame, instrument: Instrument, *, has_comments: bool) -> ImportResult:
        keys = ["organisation", "pmo", "wave"]  # a blank wave ("") is the PMO's assessment of this instrument
        frame = frame.astype({k: object for k in (*KEY_COLUMNS, "item", "pmo_level")})
        frame = frame.assign(wave=frame["wave"].astype(object).fillna(""))
        dates = frame["assessed_on"].dt.date.astype(object).where(frame["assessed_on"].notna(), None)
        frame = frame.assign(assessed_on=dates)
        first = frame.groupby([*keys, "respondent"], sort=False)
        people = first.agg(role=("role", "first"), assessed_on=("assessed_on", "first"),
                           language=("language", "first")).reset_index()
        pmos = frame.groupby(keys, sort=False).agg(level=("pmo_level", "first"),
                                                   assessed_on=("assessed_on", "min")).reset_index()
        with self._write() as conn:
            # Organisations, PMOs and assessments are few: one by one.
            org_ids: dict[str, int] = {}
            assessment_of: dict[tuple[str, str, str], int] = {}
            for org, pmo, wave, level, assessed_on in pmos.itertuples(index=False):
                if org not in org_ids:
                    org_ids[org] = self._organisation(conn, org)
                pmo_id = self._pmo(conn, org_ids[org], pmo, level=level)
                assessment_of[(org, pmo, wave)], _ = self._assessment(conn, org_ids[org], pmo_id, instrument,
                                                                      wave=wave or None,
                                                                      assessed_on=_none(assessed_on))
            ids = list(dict.fromkeys(assessment_of.values()))
            people["assessment_id"] = [assessment_of[k] for k in zip(people["organisation"], people["pmo"],
                                                                     people["wave"])]
            # Respondents: add the new ones in file order, then update role and date of known ones.
            known = self._respondent_frame(conn, ids)
            people = people.merge(known, how="left", left_on=["assessment_id", "respondent"],
                                  right_on=["assessment_id", "label"], suffixes=("", "_stored"))
            new = people[people["respondent_id"].isna()]
            now = _utcnow()
            if len(new):
                conn.execute(sa.insert(_RESP), [
                    {"assessment_id": int(a), "label": label, "role": role, "name": None, "assessed_on": _none(on),
                     "created_at": now, "language": _none(lang)}
                    for a, label, role, on, lang in new[["assessment_id", "respondent", "role", "assessed_on",
                                                         "language"]].itertuples(index=False)])
            old = people[people["respondent_id"].notna()]
            stale = old[(old["role"] != old["role_stored"]) | (old["assessed_on"].astype(object).map(_none) !=
                                                               old["assessed_on_stored"].astype(object).map(_none))]
            if len(stale):
                conn.execute(sa.update(_RESP).where(_RESP.c.id == sa.bindparam("rid"))
                             .values(role=sa.bindparam("new_role"), assessed_on=sa.bindparam("new_on")),
                             [{"rid": int(r), "new_role": role, "new_on": _none(on)} for r, role, on in
                              stale[["respondent_id", "role", "assessed_on"]].itertuples(index=False)])
            relabelled = [{"rid": int(r), "new_language": lang} for r, lang, lang0 in
                          old[["respondent_id", "language", "language_stored"]].itertuples(index=False)
                          if _none(lang) is not None and _none(lang) != _none(lang0)]  # a blank keeps it
            if relabelled:
                conn.execute(sa.update(_RESP).where(_RESP.c.id == sa.bindparam("rid"))
                             .values(language=sa.bindparam("new_language")), relabelled)
            ids_now = self._respondent_frame(conn, ids).set_index(["assessment_id", "label"])["respondent_id"]
            # Answers: compare with what is stored, write only new and changed ones, in bulk.
            keys_of = pd.MultiIndex.from_arrays([
                [assessment_of[k] for k in zip(frame["organisation"], frame["pmo"], frame["wave"])],
                frame["respondent"]])
            comment = frame["comment"].astype(object).where(frame["comment"].ne(""), None)
            incoming = pd.DataFrame({
                "respondent_id": ids_now.reindex(keys_of).to_numpy(dtype="int64"),
                "item": frame["item"].to_numpy(object),
                "value": frame["value"].to_numpy(float),
                "not_applicable": frame["not_applicable"].to_numpy(bool),
                "dont_know": frame["dont_know"].to_numpy(bool),
                "comment": comment.to_numpy(object) if has_comments else np.full(len(frame), None, dtype=object),
            })
            blank = (incoming["value"].isna().to_numpy() & ~incoming["not_applicable"].to_numpy()
                     & ~incoming["dont_know"].to_numpy())
            # A blank value without a comment says nothing: no row, and a stored one stays as it is.
            incoming = incoming[~(blank & incoming["comment"].isna().to_numpy())].reset_index(drop=True)
            stored = pd.DataFrame(conn.execute(
                sa.select(_ANS.c.respondent_id, _ANS.c.item, _ANS.c.value, _ANS.c.not_applicable, _ANS.c.dont_know,
                          _ANS.c.comment)
                .select_from(_ANS.join(_RESP, _ANS.c.respondent_id == _RESP.c.id))
                .where(_RESP.c.assessment_id.in_(ids))).all(),
                columns=["respondent_id", "item", "value_stored", "not_applicable_stored", "dont_know_stored",
                         "comment_stored"])
            merged = incoming.merge(stored.astype({"respondent_id": "int64"}), how="left",
                                    on=["respondent_id", "item"], indicator=True)
            is_new = merged["_merge"].eq("left_only").to_numpy()
            stored_value = pd.to_numeric(merged["value_stored"], errors="coerce").to_numpy(float)
            stored_na = merged["not_applicable_stored"].fillna(False).astype(bool).to_numpy()
            stored_dk = merged["dont_know_stored"].fillna(False).astype(bool).to_numpy()
            stored_comment = merged["comment_stored"].astype(object).where(merged["comment_stored"].notna(), None)
            # What each row becomes: a blank value keeps the stored answer; no comment column keeps its comment.
            blank = (merged["value"].isna().to_numpy() & ~merged["not_applicable"].to_numpy()
                     & ~merged["dont_know"].to_numpy())
            value = np.where(blank, stored_value, merged["value"].to_numpy(float))
            na = np.where(blank, stored_na, merged["not_applicable"].to_numpy())
            dk = np.where(blank, stored_dk, merged["dont_know"].to_numpy())
            comment = merged["comment"] if has_comments else stored_comment
            same_value = (value == stored_value) | (np.isnan(value) & np.isnan(stored_value))
            same_comment = comment.fillna("").to_numpy(object) == stored_comment.fillna("").to_numpy(object)
            unchanged = ~is_new & same_value & (na == stored_na) & (dk == stored_dk) & same_comment
            write = ~unchanged
            moved = [a for a, r, r0, on, on0 in stale[["assessment_id", "role", "role_stored", "assessed_on",
                                                        "assessed_on_stored"]].itertuples(index=False)
                     if r != r0 or _none(on) != _none(on0)]  # pandas finds None != None: compare in Python
            _refuse_closed(conn, ids, {int(a) for a in (*new["assessment_id"], *moved)},
                           {int(r) for r in merged["respondent_id"].to_numpy()[write].tolist()})
            self._fill_fieldwork(conn, ids)
            if write.any():
                rows = [
                    {"respondent_id": r, "item": i, "value": None if v != v else int(v), "not_applicable": bool(n),
                     "dont_know": bool(d), "comment": _none(c), "updated_at": now}
                    for r, i, v, n, d, c in zip(merged["respondent_id"].to_numpy()[write].tolist(),
                                                merged["item"].to_numpy(object)[write].tolist(),
                                                value[write].tolist(), na[write].tolist(), dk[write].tolist(),
                                                comment.to_numpy(object)[write].tolist())
                ]
                self._upsert_answers(conn, rows)
        added = int(is_new.sum())
        return ImportResult(assessments=tuple(ids), respondents_added=len(new), answers_added=added,
                            answers_changed=int(write.sum()) - added,
                            answers_unchanged=int(unchanged.sum()))

    def _respondent_frame(self, conn: sa.Connection, assessment_ids: list[int]) -> pd.DataFrame:
        rows = conn.execute(sa.select(_RESP.c.assessment_id, _RESP.c.label, _RESP.c.id, _RESP.c.role,
                                      _RESP.c.assessed_on, _RESP.c.language)
                            .where(_RESP.c.assessment_id.in_(assessment_ids))).all()
        frame = pd.DataFrame(rows, columns=["assessment_id", "label", "respondent_id", "role", "assessed_on",
                                            "language"])
        return frame.astype({"assessment_id": "int64", "label": object, "role": object, "assessed_on": object,
                             "language": object})


def _none(value):
    """``None`` for any missing value (None, NaN, NaT), else the value."""
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value



def _file_markers(path: Path, frame: pd.DataFrame, instrument: Instrument) -> tuple[np.ndarray, bool]:
    """Which answers of ``frame`` (as ``read_responses`` gave it) the file marks ``NA``/``n/a`` rather than leaving
    blank (both read as NaN), and whether the file has a ``comment`` column."""
    from ..assessment.responses import _read_table

    table, _, _ = _read_table(path)
    cells = table.to_numpy(object)
    headers = [str(h).strip().lower() for h in cells[0]]
    position = {h: p for p, h in enumerate(headers) if h}
    rows = frame["source_row"].to_numpy("int64") - 1  # source_row is the spreadsheet row; row 1 is the header
    long_form = "item" in position or "value" in position
    if long_form:
        columns = np.full(len(frame), position["value"])
    else:
        column_of = {item: position[item.lower()] for item in instrument.items.index if item.lower() in position}
        columns = frame["item"].astype(object).map(column_of).to_numpy("int64")
    raw = pd.Series(cells[rows, columns], dtype=object)
    marked = per_value(raw, lambda u: u.astype(str).str.strip().str.lower().isin(_NA_RAW)).to_numpy(bool)
    return marked & frame["value"].isna().to_numpy(), long_form and "comment" in position


def _tidy_frame(raw: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """The stored rows (already in order) in the exact shape ``read_responses`` returns."""
    tidy = pd.DataFrame(index=pd.RangeIndex(len(raw)))
    for name in ("organisation", "pmo", "respondent"):
        values = raw[name].astype(object)
        tidy[name] = pd.Categorical(values, categories=pd.unique(values))
    tidy["pmo_level"] = pd.Categorical(raw["pmo_level"].astype(object), categories=PMO_LEVELS)
    wave = raw["wave"].astype(object) if "wave" in raw else pd.Series([None] * len(raw), dtype=object)
    tidy["wave"] = pd.Series(wave.where(wave.notna(), None).to_numpy(object), index=tidy.index, dtype=object)
    tidy["role"] = pd.Categorical(raw["role"].astype(object), categories=instrument.role_ids)
    tidy["item"] = pd.Categorical(raw["item"].astype(object), categories=instrument.items.index)
    tidy["value"] = pd.to_numeric(raw["value"], errors="coerce").astype(float)
    tidy["dont_know"] = raw["dont_know"].astype(bool).to_numpy()
    # Through the one date reader, as read_responses reads them (datetime64[ns]); a bad stored value is located.
    tidy["assessed_on"] = stored_dates(raw["assessed_on"], key="respondents.assessed_on",
                                       rows=raw["assessment_id"]).to_numpy()
    tidy["comment"] = raw["comment"].fillna("").astype(str)
    language = raw["language"].astype(object) if "language" in raw else pd.Series([None] * len(raw), dtype=object)
    tidy["language"] = pd.Series(language.where(language.notna(), None).to_numpy(object), index=tidy.index,
                                 dtype=object)
    # The row each answer has in a long export, which lists every item each respondent's role is asked.
    asked = instrument.asked.to_numpy(int)  # roles x items
    position = np.cumsum(asked, axis=1) - 1  # an item's place among the items its role is asked
    role = tidy["role"].cat.codes.to_numpy("int64")
    item = tidy["item"].cat.codes.to_numpy("int64")
    person = (tidy.assign(wave=tidy["wave"].fillna("")).groupby(["organisation", "pmo", "wave", "respondent"],
                                                                 observed=True, sort=False).ngroup().to_numpy())
    first = np.r_[True, person[1:] != person[:-1]] if len(person) else np.zeros(0, bool)
    rows_of = asked.sum(axis=1)[role[first]]  # how many rows each respondent takes, in order
    start = np.concatenate(([0], np.cumsum(rows_of)[:-1])) if len(rows_of) else np.zeros(0, np.int64)
    tidy["source_row"] = (2 + start[np.cumsum(first) - 1] + position[role, item]).astype("int64")
    return tidy.loc[:, list(TIDY_COLUMNS)]


@dataclass(frozen=True)
class StoredInput:
    """A stored assessment written out as report input (see :func:`report_input`).

    ``responses`` is a long responses file; ``instrument`` is what a report's
    ``instrument`` parameter takes: the built-in id (``id@version`` for an
    older built-in version), or the path of an instrument YAML file;
    ``engagement`` is an engagement file with the assessment's target type,
    context and evidence, and how its answers were collected (people invited
    by link, anonymity), ``None`` when there is nothing to say.
    """

    assessment_id: int
    organisation: str
    pmo: str
    responses: Path
    instrument: str
    engagement: Path | None = None


def _builtin(instrument_id: str, version: str) -> tuple[Instrument, str] | None:
    """The built-in instrument of this id and version, and how a report names it: the id for the current file,
    ``id@version`` for an older version kept loadable; ``None`` when neither is built in."""
    from ..assessment.instrument import builtin_instruments, load_instrument

    builtins = builtin_instruments()
    if instrument_id in builtins:
        current = load_instrument(builtins[instrument_id])
        if current.version == version:
            return current, instrument_id
    spec = f"{instrument_id}@{version}"
    if spec in builtins:
        older = load_instrument(builtins[spec])
        if (older.id, older.version) == (instrument_id, version):
            return older, spec
    return None


def assessment_instrument(store, assessment_id: int, instrument: Instrument | str | os.PathLike | None = None,
                          ) -> tuple[Instrument, str]:
    """The instrument of a stored assessment, and how a report names it (built-in id or YAML path).

    The one rule for every caller (the command line, manifests, the workbench):
    the assessment records its instrument's id and version. A built-in
    instrument of that id and version is used by id: the id alone for the
    current version, ``id@version`` for an older one kept loadable (an
    assessment made with pmo-core 1.0 stays on ``pmo-core@1.0``). Any other
    must be given (``instrument``: a loaded :class:`Instrument`, or the path of
    its YAML file) and must have that id and version.

    Raises
    ------
    StoreError
        When the assessment does not exist, or its instrument is neither built in
        nor the one given.
    """
    from ..assessment.instrument import builtin_instruments, load_instrument

    info = store.assessment(assessment_id)
    wanted = (str(info["instrument_id"]), str(info["instrument_version"]))
    given, given_path = None, None
    if isinstance(instrument, Instrument):
        given = instrument
    elif instrument is not None and str(instrument) not in builtin_instruments():
        given_path = str(Path(instrument).expanduser().resolve())
        given = load_instrument(given_path)
    builtin = _builtin(*wanted)
    if given is not None and (given.id, given.version) == wanted:
        store.use_instrument(given, source=given_path)
        if builtin is not None and given_path is None and builtin[0] == given:
            return given, builtin[1]
        return given, given_path or ""
    if builtin is not None:
        return builtin
    shown = "" if given is None else f", not {given.id} {given.version}"
    raise StoreError(f"assessment {assessment_id} uses instrument {wanted[0]} {wanted[1]}{shown}; "
                     "give that instrument's YAML file (--instrument PATH, or the manifest's instrument column)")


def report_input(store, assessment_id: int, folder: str | os.PathLike, *,
                 instrument: Instrument | str | os.PathLike | None = None, allow_empty: bool = False) -> StoredInput:
    """Write a stored assessment as the input of its positioning report.

    The answers go to ``folder/assessment-<id>.csv`` (a long responses file),
    rewritten only when they changed, so that a batch skips an unchanged
    assessment. The instrument follows :func:`assessment_instrument`; an
    instrument given as an object with no file is written beside the answers as
    ``assessment-<id>-instrument.yaml``. When the assessment has a target type,
    context or evidence (:meth:`Store.set_engagement`), invitations or anonymous answers, they go to
    ``assessment-<id>-engagement.yaml`` (the schema of ``engagement.yaml``; ``invited``, role id -> how
    many were invited by link, and ``anonymity`` tell the report its response rate and minimum group
    size), also rewritten only when changed. The respondents who answered nothing are left out, as
    :meth:`Store.responses` leaves them out of the scores.

    Raises :class:`~pmo_workbench.errors.NoAnswersError`, before writing anything, when the assessment has no
    answers yet, unless ``allow_empty`` (a batch writes it all the same and fails that report alone).
    """
    import yaml

    info = store.assessment(assessment_id)
    if not allow_empty:
        require_answers(info)
    folder = Path(folder)
    _private_folder(folder)  # every respondent's answers and comments: the owner's only
    ins, name = assessment_instrument(store, assessment_id, instrument)
    target = folder / f"assessment-{assessment_id}.csv"
    fresh = store.export_responses(folder / f".assessment-{assessment_id}.new.csv", assessment_id=assessment_id,
                                   unanswered=False)
    if target.is_file() and target.read_bytes() == fresh.read_bytes():
        fresh.unlink()
    else:
        os.replace(fresh, target)
    if not name:
        path = folder / f"assessment-{assessment_id}-instrument.yaml"
        text = yaml.safe_dump(ins.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
        _write_if_changed(path, text)
        name = str(path)
    engagement = folder / f"assessment-{assessment_id}-engagement.yaml"
    entry = store.engagement(assessment_id)
    client = store.client_engagement(str(info["organisation"]))
    collected = _collection(store, assessment_id)
    if entry is None and client is None and not collected:
        engagement.unlink(missing_ok=True)  # a file left from before would name what is no longer recorded
        engagement = None
    else:
        if client is not None:
            client = _client_for(client, str(info["pmo"]), folder, f"assessment-{assessment_id}")
        _write_if_changed(engagement, engagement_yaml(entry, client=client, organisation=str(info["organisation"]),
                                                      pmo=str(info["pmo"]), collected=collected))
    for path in _inputs_of(folder, assessment_id):
        os.chmod(path, 0o600)
    return StoredInput(int(assessment_id), str(info["organisation"]), str(info["pmo"]), target, name, engagement)


def require_answers(*assessments: Mapping) -> None:
    """Raise :class:`~pmo_workbench.errors.NoAnswersError` naming those of ``assessments`` (rows of
    :meth:`Store.assessments`, or :meth:`Store.assessment`'s dicts) that have no answers yet; an assessment with
    no answers is valid in the store, but there is nothing to score or report."""
    empty = [int(a["assessment_id"]) for a in assessments if int(a["answers"]) == 0]
    if empty:
        raise NoAnswersError(empty)


def collection_yaml(store, assessment_ids: Sequence[int]) -> str:
    """An engagement file with one entry per PMO (its latest wave of ``assessment_ids``; an engagement file has no
    wave): what the store recorded of it (target, context, evidence)
    and how its answers were collected (``invited``, ``submitted``, ``anonymity``), so that a report made from an
    exported responses file keeps the response rate and an anonymous assessment's minimum group size of 5."""
    import yaml

    listed = store.assessments()
    listed = listed[listed["assessment_id"].isin([int(a) for a in assessment_ids])].sort_values(
        ["fieldwork_start", "assessed_on", "assessment_id"], na_position="last", kind="stable")
    latest = listed.groupby("pmo_id", sort=False)["assessment_id"].last()  # an entry is per PMO: its latest wave
    pmos = []
    for assessment_id in [a for a in assessment_ids if int(a) in set(latest.astype(int))]:
        info = store.assessment(assessment_id)
        text = engagement_yaml(store.engagement(assessment_id), organisation=str(info["organisation"]),
                               pmo=str(info["pmo"]), collected=_collection(store, assessment_id))
        pmos += yaml.safe_load(text)["pmos"]
    return yaml.safe_dump({"pmos": pmos}, sort_keys=False, allow_unicode=True)


def _collection(store, assessment_id: int) -> dict:
    """How the answers were collected, as the engagement entry gives it: ``invited`` (role id -> how many were
    invited by link) and ``submitted`` (how many of them submitted) when anyone was, and ``anonymity`` then or when
    the assessment is anonymous; else ``{}``."""
    status = store.invitation_status(assessment_id)
    invited = {str(r): int(n) for r, n in zip(status["role"], status["invited"]) if r != "total" and n}
    submitted = {str(r): int(n) for r, n, of in zip(status["role"], status["submitted"], status["invited"])
                 if r != "total" and of}
    anonymity = store.survey(assessment_id)[0]
    collected: dict = {"invited": invited, "submitted": submitted} if invited else {}
    if invited or anonymity == "anonymous":
        collected["anonymity"] = anonymity
    return collected


def _client_for(client: dict, pmo: str, folder: Path, stem: str) -> dict:
    """An organisation's kept client-level edit as one PMO's report reads it: the comments of that PMO, its own
    recommendations choice, and each logo copied beside the file (a logo no longer on disk is left out)."""
    client = dict(client)
    choices = client.pop("pmo_recommendations", None) or {}
    if pmo in choices:
        client["_pmo_recommendations"] = choices[pmo]
    if "comments" in client:
        client["comments"] = [c for c in client["comments"] if c.get("pmo") == pmo]
    for key in ("client_logo", "consultancy_logo"):
        if client.get(key):
            copied = copy_logo(Path(client[key]), folder, f"{stem}-{key.replace('_', '-')}")
            if copied is None:
                client.pop(key)
            else:
                client[key] = copied
    return client


def copy_logo(source: Path, folder: Path, stem: str) -> str | None:
    """Copy a kept logo into ``folder`` as ``<stem><suffix>`` (rewritten only when changed) and return that name;
    ``None`` when the logo is no longer a file. Its content is checked where a report reads it."""
    import shutil

    if not source.is_file():
        return None
    copy = Path(folder) / f"{stem}{source.suffix.lower()}"
    if not copy.is_file() or copy.read_bytes() != source.read_bytes():
        shutil.copyfile(source, copy)
    return copy.name


def engagement_yaml(entry, *, client: dict | None = None, organisation: str | None = None,
                    pmo: str | None = None, collected: dict | None = None) -> str:
    """One PMO's engagement entry, and its organisation's client-level edit when given, as the text of an
    engagement file; ``collected`` adds the entry's ``invited`` and ``anonymity`` (how the answers were collected).

    Parts not recorded are left out; evidence answers are quoted (an unquoted
    ``yes`` or ``no`` reads as a boolean in YAML).
    """
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    _Dumper.add_representer(_Quoted, lambda dumper, text: dumper.represent_scalar(
        "tag:yaml.org,2002:str", str(text), style='"'))
    client = dict(client or {})
    own_choice = client.pop("_pmo_recommendations", None)
    record: dict = ({"organisation": entry.organisation, "pmo": entry.pmo} if entry is not None
                    else {"organisation": organisation, "pmo": pmo})
    if entry is not None and entry.target is not None:
        record["target"] = entry.target
    if entry is not None and entry.context:
        record["context"] = dict(entry.context)
    if entry is not None and entry.evidence:
        record["evidence"] = {key: {"answer": _Quoted(answer.answer), **({"note": answer.note} if answer.note else {})}
                              for key, answer in entry.evidence.items()}
    if entry is not None and entry.done:
        record["done"] = list(entry.done)
    record.update(collected or {})
    if own_choice:
        record["recommendations"] = own_choice
    document = {"organisation": record["organisation"], **client, "pmos": [record]} if client else {"pmos": [record]}
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


class _Quoted(str):
    """A string a YAML file shows in double quotes."""


def _write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (atomically) unless the file holds it already."""
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        write_with(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
