"""Plain-text e-mail through an SMTP server, for reminders (the standard library's :mod:`smtplib`).

:func:`parse_smtp` and :func:`check_address` check what a user typed;
:class:`Mailer` holds one connection: STARTTLS whenever the server offers it,
a login when a user is given (never in clear to a server beyond this machine),
one :class:`email.message.EmailMessage` per person.
"""

from __future__ import annotations

import contextlib
import email.policy
import email.utils
import re
import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage

from ..errors import PmoWorkbenchError

PASSWORD_ENV = "PMO_WORKBENCH_SMTP_PASSWORD"
"""The environment variable holding the SMTP password (never an option: options show in process lists)."""

_ADDRESS = re.compile(r"^[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+\.[^@\s<>\"(),;:.]+$|^[^@\s<>\"(),;:]+@localhost$")
_LOOPBACK = ("127.0.0.1", "::1", "localhost")
_POLICY = email.policy.SMTP.clone(max_line_length=998)
"""CRLF line ends; a header folded only past 998 characters (a folded subject reads back with a leading space)."""


class MailError(PmoWorkbenchError):
    """Raised when an SMTP server cannot be reached, refuses the login, or an address or server is malformed."""


def parse_smtp(value: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:25`` for an IPv6 address) as ``(host, port)``; :class:`MailError` otherwise."""
    hint = f"--smtp '{value}': give HOST:PORT, e.g. smtp.example.org:587"
    match = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\]:(\d{1,5})|([A-Za-z0-9.-]+):(\d{1,5})", value.strip())
    if match is None:
        raise MailError(hint)
    host, port = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    if not 1 <= int(port) <= 65535 or host.startswith(("-", ".")) or host.endswith("-"):
        raise MailError(hint + " (a port is 1 to 65535)")
    return host, int(port)


def check_address(value: str, option: str = "--from") -> str:
    """``value`` when it is one e-mail address (``Name <a@b.org>`` or ``a@b.org``); :class:`MailError` otherwise."""
    if "\n" in value or "\r" in value:
        raise MailError(f"{option}: an address is one line")
    _, address = email.utils.parseaddr(value)
    if not _ADDRESS.match(address):
        raise MailError(f"{option} '{value}' is not an e-mail address (e.g. pmo-assessment@example.org)")
    return value.strip()


class Unsendable(MailError):
    """Raised for one recipient's address that this server cannot take (the others can still be sent)."""


def smtp_address(address: str, *, utf8: bool = True) -> str:
    """``address`` as it goes to an SMTP server: its domain in ASCII (IDNA, ``exämple.org`` ->
    ``xn--exmple-cua.org``); :class:`Unsendable` when the domain is no valid internationalised name, or the part
    before ``@`` is not ASCII and the server does not offer SMTPUTF8 (``utf8`` False)."""
    local, _, domain = address.strip().rpartition("@")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise Unsendable(f"the domain of {address} is not a valid internationalised domain name") from None
    if not local.isascii() and not utf8:
        raise Unsendable("the server does not take internationalised addresses (it does not offer SMTPUTF8)")
    return f"{local}@{ascii_domain}"


def one_line(text: str | None) -> str:
    """``text`` with every run of white space (line breaks included) made one space: safe in a header."""
    return " ".join(str(text or "").split())


def message(sender: str, to: str, name: str | None, subject: str, body: str) -> EmailMessage:
    """A plain-text UTF-8 message from ``sender`` to ``name <to>``."""
    msg = EmailMessage(policy=_POLICY if to.isascii() else _POLICY.clone(utf8=True))  # non-ASCII: SMTPUTF8
    msg["From"] = sender
    if to.isascii():
        msg["To"] = email.utils.formataddr((one_line(name), to)) if name else to
    else:  # an internationalised address (sent with SMTPUTF8): formataddr takes ASCII only
        local, _, domain = to.rpartition("@")
        msg["To"] = Address(one_line(name), username=local, domain=domain)
    msg["Subject"] = one_line(subject)
    msg["Date"] = email.utils.formatdate(localtime=False)
    _, address = email.utils.parseaddr(sender)
    msg["Message-ID"] = email.utils.make_msgid(domain=address.rpartition("@")[2] or None)
    msg.set_content(body)
    return msg


class Mailer:
    """One SMTP connection, opened by ``with``: STARTTLS when offered, then the login when ``user`` is given.

    Raises :class:`MailError` when the server cannot be reached or refuses the login; a password is never sent
    in clear to a server other than this machine's.
    """

    def __init__(self, host: str, port: int, *, user: str | None = None, password: str | None = None,
                 timeout: float = 30):
        self.host, self.port, self.user, self.password, self.timeout = host, port, user, password, timeout
        self.tls = False
        self._smtp: smtplib.SMTP | None = None

    @property
    def where(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    def __enter__(self) -> Mailer:
        try:
            self._smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            self._smtp.ehlo()
            if self._smtp.has_extn("starttls"):
                self._smtp.starttls(context=ssl.create_default_context())
                self._smtp.ehlo()
                self.tls = True
            if self.user:
                if not self.tls and self.host not in _LOOPBACK:
                    raise MailError(f"the SMTP server {self.where} does not offer STARTTLS: the password of "
                                    f"{self.user} is not sent in clear")
                self._smtp.login(self.user, self.password or "")
        except MailError:
            self._close()
            raise
        except smtplib.SMTPAuthenticationError as exc:
            self._close()
            raise MailError(f"the SMTP server {self.where} refused the login of {self.user}: "
                            f"{reason(exc)}") from None
        except (OSError, smtplib.SMTPException) as exc:  # refused, unknown host, time-out, TLS failure
            self._close()
            raise MailError(f"cannot use the SMTP server {self.where}: {reason(exc)}") from None
        return self

    @property
    def utf8(self) -> bool:
        """Whether the server takes addresses that are not ASCII (SMTPUTF8)."""
        return self._smtp is not None and bool(self._smtp.has_extn("smtputf8"))

    def send(self, msg: EmailMessage) -> None:
        """Send one message (``smtplib`` errors pass through: the caller counts what was sent)."""
        assert self._smtp is not None, "use Mailer in a with statement"
        self._smtp.send_message(msg)

    def __exit__(self, *exc) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.quit()
        self._close()

    def _close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError):
                self._smtp.close()
            self._smtp = None


def reason(exc: BaseException) -> str:
    """One line saying why: the server's reply, or the operating system's reason."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {one_line(_text(exc.smtp_error))}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{who}: {code} {one_line(_text(text))}" for who, (code, text) in exc.recipients.items())
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return one_line(str(exc)) or type(exc).__name__


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
