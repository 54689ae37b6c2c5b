"""Collecting answers in a browser: ``invite``, ``status``, ``remind`` (``store new|close|reopen|forget|
anonymise`` are in :mod:`.respondents`).

Each person gets a personal link (``BASE_URL/r/TOKEN``). A token exists in clear only when it is issued: the
store keeps its SHA-256 hash, so the invitations and reminders CSV files are the only copies of working links.
They are written atomically, private to their owner (mode 0600), with no cell a spreadsheet would run, and
never over an existing file unless ``--force``; the store is written only once the file can be.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import smtplib
import urllib.parse
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table
from rich.text import Text

from .._values import count
from ..i18n import DEFAULT_LANGUAGE, _, check_language, format_date, use_language
from ..assessment.instrument import load_instrument
from ..assessment.responses import PMO_LEVELS
from ..errors import FileError, InputValidationError, Problem, StoreError
from .app import app, check_out, console, usage
from .mail import PASSWORD_ENV, Mailer, Unsendable, check_address, message, parse_smtp, reason, smtp_address
from .store import DbOption, _open_store, shown

INVITATION_COLUMNS = ("name", "email", "role", "language", "link")
"""The columns of the invitations CSV (a mail merge's input)."""
REMINDER_COLUMNS = (*INVITATION_COLUMNS, "status")
"""The columns of the reminders CSV: the invitations' and where each person stands (``invited``, ``started``)."""

Anonymity = StrEnum("Anonymity", {mode: mode for mode in ("identified", "confidential", "anonymous")})
Level = StrEnum("Level", {level: level for level in PMO_LEVELS})

AssessmentArgument = Annotated[int, typer.Argument(help="Assessment id (`pmo-workbench store list` shows them).",
                                                   show_default=False)]
BaseUrlOption = Annotated[str, typer.Option(
    "--base-url", help="Address at which respondents reach `pmo-workbench serve` (http:// or https://, a host, "
                       "optionally a port and a path); each link is BASE_URL/r/TOKEN.", show_default=False)]
ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite an existing file (the working links it holds "
                                                           "are lost: only their hashes are stored).")]
CustomInstrumentOption = Annotated[str | None, typer.Option(
    "--instrument", "-i", help="Instrument YAML file of an assessment that uses a custom (not built-in) instrument.")]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


# -- invite ------------------------------------------------------------------------------------------------------

@app.command("invite")
def invite_command(
    assessment: AssessmentArgument,
    people: Annotated[Path, typer.Option("--people", help="People file (.csv, .xlsx): columns role (required), "
                                                          "name, email, language.", show_default=False)],
    base_url: BaseUrlOption,
    out: Annotated[Path, typer.Option("--out", "-o", help="Invitations CSV to write (name, email, role, language, "
                                                          "link).")] = Path("invitations.csv"),
    force: ForceOption = False,
    anonymity: Annotated[Anonymity | None, typer.Option(
        "--anonymity", help="identified: names kept with the answers; confidential (the default): you see who "
                            "answered, reports never; anonymous: answers keep no link to an invitation.")] = None,
    sender: Annotated[str | None, typer.Option("--sender", help="Who runs the assessment (the welcome page says "
                                                                "it).")] = None,
    purpose: Annotated[str | None, typer.Option("--purpose", help="What the assessment is for (welcome page).")
                       ] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="Whom to ask about it (welcome page).")] = None,
    closes_on: Annotated[str | None, typer.Option("--closes-on", help="The last day to answer, YYYY-MM-DD (welcome "
                                                                      "page; `store close` closes it).")] = None,
    include_forgotten: Annotated[bool, typer.Option(
        "--include-forgotten", help="Invite again the people of the file forgotten at their request (`store "
                                    "forget`), who asked to take part after all.")] = False,
    instrument: CustomInstrumentOption = None,
    db: DbOption = None,
) -> None:
    """Invite people to answer an assessment in a browser: one personal link each, written once to the
    invitations CSV (the store keeps only a hash of each). Running it again with the same people file invites only
    the people new in it."""
    from .._io import atomic_path
    from ..store import read_people

    url = _base_url(base_url)
    _check_new_file(out, force, reads=people)
    closes = _date(closes_on, "--closes-on")
    if closes is not None and closes < dt.date.today().isoformat():
        usage(f"--closes-on {closes} is in the past: the welcome page would tell people the survey has closed; "
              "give today or a later day")
    given = load_instrument(instrument) if instrument is not None else None
    with _open_store(db, create=False) as store:
        if given is not None:
            store.use_instrument(given, source=instrument)
        info = _open_assessment(store, assessment, "invite people to it")
        listed = read_people(people, store.instrument_for(assessment))
        if not listed:
            usage(f"{people}: no people in the file (columns: role, and optionally name, email, language)")
        _check_languages(people, listed, store.instrument_for(assessment))
        _check_domains(people, listed)
        mode, stored = store.survey(assessment)
        survey = {key: value for key, value in (("sender", sender), ("purpose", purpose), ("contact", contact),
                                                ("closes_on", closes)) if value is not None}
        missing = [f"--{key}" for key in ("sender", "purpose") if not (survey.get(key, stored.get(key)) or "").strip()]
        if missing:
            usage(f"assessment {assessment} ({_name(info)}): the welcome page must say who runs the survey and why: "
                  f"give {' and '.join(missing)}")
        changed = [key for key, value in survey.items() if stored.get(key) != (value or None)]
        new_mode = anonymity.value if anonymity is not None and anonymity.value != mode else None
        issued, refused, forgotten = [], None, []
        try:
            with atomic_path(out, mode=0o600) as tmp:  # the file can be written before the store changes
                forgotten = [] if include_forgotten else store.forgotten(assessment, listed)
                issued = store.invite(assessment, listed, include_forgotten=include_forgotten)
                if not issued:
                    raise _NothingToWrite
                _write_rows(tmp, INVITATION_COLUMNS, [_row(i, url) for i in issued])
                if new_mode or changed:  # only a run that invites someone changes the welcome page
                    try:
                        store.set_survey(assessment, anonymity=new_mode, **{k: survey[k] for k in changed})
                    except StoreError as exc:  # the links are written all the same: they are stored already
                        refused = str(exc)
        except _NothingToWrite:
            pass
        except FileError as exc:
            if not issued:
                raise
            raise FileError(exc.action, exc.path, f"{exc.reason}; {count(len(issued), 'invitation')} are stored but "
                            "their links are lost: `pmo-workbench remind` issues fresh ones", exc.errno) from None
    already = len(listed) - len(issued) - len(forgotten)
    if forgotten:
        typer.echo(f"{count(len(forgotten), 'person', 'people')} of {people} forgotten at their request, left out "
                   "(--include-forgotten invites them again)", err=True)
    if not issued:
        kept = " (the welcome page was left as it was: --sender, --purpose, --contact, --closes-on and " \
               "--anonymity change it only in a run that invites someone)" if new_mode or changed else ""
        typer.echo(f"{people}: all {count(len(listed) - len(forgotten), 'person', 'people')} invited already to "
                   f"assessment {assessment} ({_name(info)}); nothing written{kept}", err=True)
        return
    typer.echo(str(out))
    by_role = pd.Series([i.person.role for i in issued]).value_counts(sort=False)
    typer.echo(f"{count(len(issued), 'person', 'people')} invited to assessment {assessment} ({_name(info)}): "
               + ", ".join(f"{n} {role}" for role, n in by_role.items())
               + (f"; {already} invited already, left out" if already else ""), err=True)
    typer.echo(f"{out} holds the only copy of these links (the store keeps their hashes): send each person their "
               "own, and keep the file private.", err=True)
    if refused is not None:
        usage(f"the welcome page and the anonymity mode were left as they were: {refused}")
    if new_mode or changed:
        parts = ([f"anonymity {mode} -> {new_mode}"] if new_mode else []) + [key.replace("_", " ") for key in changed]
        typer.echo(f"changed for every respondent's welcome page: {', '.join(parts)}", err=True)
    if (new_mode or mode) == "anonymous":
        _warn_small_roles(store_url=db, assessment=assessment)


def _warn_small_roles(*, store_url, assessment: int) -> None:
    """In an anonymous assessment, name the roles with fewer people invited than a report can show apart."""
    from ..assessment.positioning import ANONYMOUS_MIN_GROUP_SIZE

    with _open_store(store_url, create=False) as store:
        status = store.invitation_status(assessment)
    small = [f"{row.label} {int(row.invited)}" for row in status.itertuples()
             if row.role != "total" and 0 < row.invited < ANONYMOUS_MIN_GROUP_SIZE]
    if small:
        typer.echo(f"anonymous: fewer than {ANONYMOUS_MIN_GROUP_SIZE} people invited in {', '.join(small)}: a report "
                   f"shows a role only when at least {ANONYMOUS_MIN_GROUP_SIZE} of it answered, so these answers count "
                   "only in the whole", err=True)


def _check_domains(people: Path, listed: list) -> None:
    """Refuse (usage error, nothing stored) the addresses no mail can be sent to: a domain that is no valid
    internationalised name (one with letters beyond ASCII is sent in its IDNA form, ``xn--...``)."""
    bad = []
    for person in listed:
        try:
            if person.email:
                smtp_address(person.email)
        except Unsendable as exc:
            bad.append(str(exc))
    if bad:
        usage(f"{people}: " + "; ".join(shown(b) for b in bad) + " (nothing was stored)")


def _check_languages(people: Path, listed: list, instrument) -> None:
    """Refuse (exit 2, nothing stored) a language the instrument's questionnaire is not written in: every such
    row of the people file, located by its row and the ``language`` column. ``de-AT`` is taken for ``de``."""
    declared = getattr(instrument, "languages", None)
    if declared is None:  # an instrument object of a version that does not record its languages
        return
    declared = tuple(declared) or ("en",)
    problems = []
    for person in listed:
        if not person.language:
            continue
        code = person.language.strip().replace("_", "-")
        if code.lower() in (d.lower() for d in declared) or code.split("-")[0].lower() in declared:
            continue
        problems.append(Problem(str(people), person.row, "language",
                                f"'{person.language}' is not a language of instrument {instrument.id} "
                                f"{instrument.version}: it is written in {', '.join(declared)}; give one of "
                                "those, or leave the cell blank (the browser's language is used)"))
    if problems:
        raise InputValidationError(problems)


class _NothingToWrite(Exception):
    """Everybody in the people file was invited already: no file to write."""


# -- status ------------------------------------------------------------------------------------------------------

@app.command("status")
def status_command(
    assessment: AssessmentArgument,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (for scripts) instead of a table.")] = False,
    instrument: CustomInstrumentOption = None,
    db: DbOption = None,
) -> None:
    """Invited, started and submitted by role, and the response rate (submitted of invited)."""
    given = load_instrument(instrument) if instrument is not None else None
    with _open_store(db, create=False) as store:
        if given is not None:
            store.use_instrument(given)
        info = store.assessment(assessment)
        anonymity, _ = store.survey(assessment)
        frame = store.invitation_status(assessment)
    records = [{"role": row["role"], "label": row["label"], "invited": int(row["invited"]),
                "started": int(row["started"]), "submitted": int(row["submitted"]),
                "response_rate": None if _missing(row["response_rate"]) else round(float(row["response_rate"]), 4)}
               for row in frame.to_dict("records")]
    if as_json:
        document = {"assessment_id": assessment, "organisation": info["organisation"], "pmo": info["pmo"],
                    "status": info["status"], "anonymity": anonymity, "roles": records}
        typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    total = next((r for r in records if r["role"] == "total"), None)
    if total is None or total["invited"] == 0:
        typer.echo(f"assessment {assessment} ({_name(info)}): nobody invited yet (`pmo-workbench invite "
                   f"{assessment} --people FILE --base-url URL`)")
        return
    table = Table()
    for label in ("role", "invited", "started", "submitted", "response rate"):
        table.add_column(label, justify="left" if label == "role" else "right")
    for record in records:
        last = record["role"] == "total"
        if last:
            table.add_section()
        rate = "-" if record["response_rate"] is None else f"{100 * record['response_rate']:.0f} %"
        table.add_row(Text("Total" if last else shown(record["label"])), *(Text(str(record[k])) for k in
                      ("invited", "started", "submitted")), Text(rate), style="bold" if last else None)
    out = console()
    out.print(Text(f"Assessment {assessment}: {_name(info)} ({info['status']}, {anonymity})", style="bold"))
    out.print(table)


# -- remind ------------------------------------------------------------------------------------------------------

@app.command("remind")
def remind_command(
    assessment: AssessmentArgument,
    base_url: BaseUrlOption,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Reminders CSV to write (name, email, role, "
                                             "language, link, status); default reminders.csv, none with --smtp.",
                                             show_default=False)] = None,
    force: ForceOption = False,
    smtp: Annotated[str | None, typer.Option("--smtp", help="Send the reminders through this SMTP server, "
                                                            "HOST:PORT (STARTTLS when it offers it).")] = None,
    sender: Annotated[str | None, typer.Option("--from", help="The sender's address, with --smtp.")] = None,
    subject: Annotated[str | None, typer.Option("--subject", help="The subject, with --smtp (default: Reminder: "
                                                                  "the assessment of PMO).")] = None,
    smtp_user: Annotated[str | None, typer.Option("--smtp-user", help=f"Log in as this user, with the password in "
                                                                      f"${PASSWORD_ENV}.")] = None,
    db: DbOption = None,
) -> None:
    """Remind the people who have not submitted yet, each with a fresh link: as a mail-merge CSV, or by e-mail
    with --smtp (then the CSV only with --out, e.g. for the people without an e-mail address). A reminder carries a
    new link because links cannot be printed again: the store keeps only their hashes. Earlier links keep working
    until the person submits. Everyone reminded is marked so (`status`, the admin page)."""
    from .._io import atomic_path

    url = _base_url(base_url)
    mailer = None
    if smtp is None:
        if sender or subject or smtp_user:
            usage("--from, --subject and --smtp-user go with --smtp HOST:PORT")
        out = out if out is not None else Path("reminders.csv")
    else:
        host, port = parse_smtp(smtp)
        if sender is None:
            usage("--smtp needs --from ADDRESS (the sender of the reminders)")
        check_address(sender)
        password = os.environ.get(PASSWORD_ENV) if smtp_user else None
        if smtp_user and not password:
            usage(f"--smtp-user {smtp_user}: set the password in the environment variable {PASSWORD_ENV}")
        mailer = Mailer(host, port, user=smtp_user, password=password)
    if out is not None:
        _check_new_file(out, force)
    with _open_store(db, create=False) as store:
        info = _open_assessment(store, assessment, "remind people of it")
        invitations = store.invitations(assessment)
        pending = invitations[invitations["status"] != "submitted"]
        if pending.empty:
            typer.echo(f"assessment {assessment} ({_name(info)}): " + ("nobody invited yet" if invitations.empty else
                       f"all {count(len(invitations), 'person', 'people')} invited have submitted") + "; nobody to "
                       "remind, nothing written", err=True)
            return
        status = dict(zip(pending["id"].astype(int), pending["status"]))
        has_email = pending["email"].notna() & (pending["email"].fillna("") != "")
        chosen = [int(i) for i in (pending["id"] if out is not None else pending.loc[has_email, "id"])]
        without = pending.loc[~has_email]
        if mailer is None:
            _remind_by_file(store, out, chosen, status, url)
            typer.echo(f"{count(len(chosen), 'person', 'people')} to remind, each with a fresh link; marked "
                       f"reminded. {out} holds the only copy of these links: keep it private.", err=True)
            return
        with mailer:  # reached (and logged in) before any link is issued
            issued = []
            if out is not None:
                with atomic_path(out, mode=0o600) as tmp:
                    issued = store.reissue(chosen)
                    _write_rows(tmp, REMINDER_COLUMNS, [_row(i, url, status[i.invitation_id]) for i in issued])
                typer.echo(str(out))
            elif chosen:
                issued = store.reissue(chosen)
            sent, refused, broken = _send(mailer, issued, info, store.survey(assessment)[1], url, sender, subject,
                                          status)
        reached = [i.invitation_id for i in issued if i.invitation_id in sent or not i.person.email]
        store.mark_reminded(reached)
    _report_sent(mailer, sent, refused, broken, without, out, len(issued))


def _remind_by_file(store, out: Path, chosen: list[int], status: dict[int, str], url: str) -> None:
    from .._io import atomic_path

    with atomic_path(out, mode=0o600) as tmp:
        issued = store.reissue(chosen)
        _write_rows(tmp, REMINDER_COLUMNS, [_row(i, url, status[i.invitation_id]) for i in issued])
    store.mark_reminded([i.invitation_id for i in issued])
    typer.echo(str(out))


def _send(mailer: Mailer, issued: list, info: dict, survey: dict, url: str, sender: str, subject: str | None,
          status: dict[int, str]) -> tuple[set[int], list[tuple[object, str]], str | None]:
    """Send one message to each issued person with an address: (invitation ids sent, (person, why) refused, why
    the server stopped taking messages, or None)."""
    sent: set[int] = set()
    refused: list[tuple[object, str]] = []
    for one in issued:
        person = one.person
        if not person.email:
            continue
        with use_language(_spoken(person.language)):  # the person's invitation language, else English
            body = reminder_text(person.name, info, _link(url, one.token), status[one.invitation_id], survey)
            title = subject or _("Reminder: the assessment of {pmo} ({organisation})").format(
                pmo=info["pmo"], organisation=info["organisation"])
        try:
            to = smtp_address(person.email, utf8=mailer.utf8)
            mailer.send(message(sender, to, person.name, title, body))
        except Unsendable as exc:
            refused.append((person, str(exc)))
            continue
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPNotSupportedError, UnicodeError,
                ValueError) as exc:  # this address or message: the next person's may go through
            refused.append((person, f"the server refused it: {reason(exc)}"))
            continue
        except (OSError, smtplib.SMTPException) as exc:
            return sent, refused, reason(exc)
        sent.add(one.invitation_id)
    return sent, refused, None


def _report_sent(mailer: Mailer, sent: set[int], refused: list, broken: str | None, without: pd.DataFrame,
                 out: Path | None, issued: int) -> None:
    typer.echo(f"{count(len(sent), 'reminder')} sent through {mailer.where}"
               + (" (STARTTLS)" if mailer.tls else ""), err=True)
    for person, why in refused:
        typer.echo(f"not sent to {_who(person.name, person.email, person.role)}: {shown(why)}",
                   err=True)
    if len(without):
        names = "; ".join(_who(r["name"], None, r["role"]) for r in without.to_dict("records"))
        where = f"their fresh links are in {out}" if out is not None else \
            "give --out FILE to get fresh links for them (their earlier links still work)"
        typer.echo(f"{count(len(without), 'person', 'people')} without an e-mail address: {names}; {where}", err=True)
    if broken is not None:
        typer.echo(f"error: the SMTP server {mailer.where} stopped taking messages after {len(sent)} of {issued}: "
                   f"{broken}; the others were neither sent nor marked reminded (run `remind` again)", err=True)
        raise typer.Exit(1)


def _spoken(language: str | None) -> str:
    """A person's invitation language when the package speaks it, else English."""
    try:
        return check_language(language)
    except ValueError:
        return DEFAULT_LANGUAGE


def reminder_text(name: str | None, info: dict, link: str, status: str, survey: dict) -> str:
    """The plain-text body of one person's reminder, in the current language."""
    lines = [_("Hello {name},").format(name=name) if name else _("Hello,"), "",
             _("This is a reminder about the assessment of {pmo} ({organisation}).").format(
                 pmo=info["pmo"], organisation=info["organisation"])]
    if status == "started":
        lines.append(_("You have started: your answers so far are saved, and the link below takes you back to them."))
    else:
        lines.append(_("Your answers have not reached us yet; they help us see how the PMO serves you."))
    lines += ["", _("Your personal link (please do not forward it):"), link, ""]
    closes = survey.get("closes_on")
    when = None
    if closes:
        try:
            when = format_date(dt.date.fromisoformat(str(closes)[:10]), "long")
        except ValueError:
            when = str(closes)
    lines.append((_("It works until you submit your answers or the survey closes on {date}. Links sent to you "
                    "earlier work too.") if when else
                  _("It works until you submit your answers. Links sent to you earlier work too.")).format(date=when))
    if survey.get("contact"):
        lines += ["", _("Questions: {contact}").format(contact=survey["contact"])]
    if survey.get("sender"):
        lines += ["", str(survey["sender"])]
    return "\n".join(lines) + "\n"


# -- helpers -----------------------------------------------------------------------------------------------------

def _base_url(value: str) -> str:
    """``value`` without its trailing slashes, when it is an http(s) address of a host; a usage error otherwise."""
    text = value.strip()
    problem = None
    try:
        parts = urllib.parse.urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in 0..65535
    except ValueError as exc:
        problem = str(exc)
    else:
        if parts.scheme not in ("http", "https") or not parts.hostname:
            problem = "it must start with http:// or https:// and name a host"
        elif parts.query or parts.fragment or any(c.isspace() for c in text) or parts.username or parts.password:
            problem = "it may hold a host, a port and a path, nothing more"
    if problem:
        usage(f"--base-url '{value}': {problem} (e.g. https://survey.example.org or http://127.0.0.1:8000)")
    return text.rstrip("/")


def _link(base: str, token: str) -> str:
    return f"{base}/r/{token}"


def _row(issued, url: str, status: str | None = None) -> dict:
    person = issued.person
    row = {"name": person.name, "email": person.email, "role": person.role, "language": person.language,
           "link": _link(url, issued.token)}
    if status is not None:
        row["status"] = status
    return row


def _write_rows(path: Path, columns: tuple[str, ...], rows: list[dict]) -> None:
    """Write ``rows`` as CSV to ``path`` (a temporary file of :func:`atomic_path`), every cell formula-neutralised."""
    from .._io import neutralise_frame

    frame = pd.DataFrame(rows, columns=list(columns)).astype(object)
    frame = frame.where(frame.notna(), None)
    neutralise_frame(frame).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def _check_new_file(out: Path, force: bool, *, reads: Path | None = None) -> None:
    """Refuse (usage error) a file that exists, unless ``force``; even with ``force`` refuse one that is not an
    invitations or reminders CSV written earlier (the store's database, the people file ``reads``, anything else):
    ``--force`` replaces only a links file, whose links cannot be printed again (the store keeps their hashes)."""
    check_out(out)
    if reads is not None and _same_file(out, reads):
        usage(f"--out {out} is the people file this command reads; give another --out")
    if not (out.exists() or out.is_symlink()):
        return
    if not force:
        usage(f"{out} exists; the links in it cannot be printed again (the store keeps only their hashes): give "
              "another --out, or --force to overwrite it")
    what = _links_file(out) if out.is_file() else None  # a device or the like: refused where it is written
    if what is not None:
        usage(f"--out {out} exists and is {what}, not an invitations or reminders CSV: --force replaces only such a "
              "file; give another --out")


_LINK_HEADERS = {",".join(INVITATION_COLUMNS), ",".join(REMINDER_COLUMNS),
                 "subject,rater,role,email,link"}  # and the competency links file (cli/competency.py)


def _links_file(path: Path) -> str | None:
    """``None`` when ``path`` is an invitations or reminders CSV (by its header line), else what it is instead."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        return f"a file that cannot be read ({exc.strerror or exc})"
    if head.startswith(b"SQLite format 3\0"):
        return "a database file"
    line = head.split(b"\n", 1)[0].rstrip(b"\r").removeprefix(b"\xef\xbb\xbf")
    try:
        header = line.decode("utf-8")
    except UnicodeDecodeError:
        return "not a text file"
    return None if header in _LINK_HEADERS else f"a file whose first line is not {' or '.join(sorted(_LINK_HEADERS))}"


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.exists() and other.exists() and os.path.samefile(one, other)
    except OSError:
        return False


def _open_assessment(store, assessment: int, action: str) -> dict:
    """The assessment's fields; a usage error when it is closed."""
    info = store.assessment(assessment)
    if info["status"] == "closed":
        usage(f"assessment {assessment} ({_name(info)}) is closed: `pmo-workbench store reopen {assessment}` "
              f"before you {action}")
    return info


def _date(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    from .._values import date_problem

    date, message = date_problem(value)
    if message is not None or date is None:
        usage(f"{option}: {message or 'expected a date as YYYY-MM-DD'}")
    return date.isoformat()


def _name(info: dict) -> str:
    return shown(f"{info['organisation']} / {info['pmo']}")


def _who(name, email, role) -> str:
    named = name if isinstance(name, str) and name else (email if isinstance(email, str) and email else "unnamed")
    return shown(f"{named} ({role})")


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


from . import respondents  # noqa: E402, F401 - registers `store new|close|reopen|forget|anonymise`
