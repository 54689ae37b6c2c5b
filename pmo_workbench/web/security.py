"""What keeps the web app safe: security headers, a request body limit, rate limits, CSRF tokens, passwords.

The two middlewares are plain ASGI (they wrap every response, the error pages included). CSRF tokens are
of two kinds: a respondent's is an HMAC of the server's secret and the hash of their link's token (nothing
to store, and useless with another link); the admin's is a random value kept in the signed session.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import hmac
import ipaddress
import secrets
import threading
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
       "form-action 'self'; base-uri 'none'")
HEADERS = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
}
"""Sent with every response."""
MAX_BODY = 64 * 1024
"""The largest request body accepted (bytes): a page of answers with a full comment is far below it."""
CSRF_FIELD = "csrf"


class SecurityHeaders:
    """Adds :data:`HEADERS` to every response, and ``Cache-Control: no-store`` to every one but the static
    files (pages carry answers and links that no cache should keep)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.decode("latin-1").lower() not in HEADERS and
                           (cacheable or k.decode("latin-1").lower() != "cache-control")]
                headers += [(k.encode("latin-1"), v.encode("latin-1")) for k, v in HEADERS.items()]
                if not cacheable:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses a request whose body exceeds ``limit`` bytes with 413 (``too_large(scope)`` gives the body of
    that response), before the application reads any of it.

    A declared ``Content-Length`` over the limit is refused at once; a body without one (chunked) is read up
    to the limit first and refused when it goes over.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY, too_large: Callable[[Scope], bytes] | None = None):
        self.app, self.limit = app, limit
        self.too_large = too_large or (lambda scope: b"Request too large")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                if int(declared) > self.limit:
                    await self._refuse(scope, send)
                    return
            except ValueError:
                await self._refuse(scope, send, status=400)
                return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send, status: int = 413) -> None:
        body = self.too_large(scope)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"),
                                (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


class RateLimit:
    """At most ``limit`` failures per ``window`` seconds per key (a client address, see :func:`address_key`).
    Thread-safe; old entries are dropped.

    Checks are atomic with what they record, so requests in flight together cannot all slip past: a slow check
    (a password) is counted first by :meth:`reserve`, and taken back by :meth:`release` when it succeeds; a
    cheap one (a link) asks :meth:`settle` after its lookup, which counts a failure only while the key is under
    its limit.
    """

    def __init__(self, limit: int = 10, window: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, collections.deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> collections.deque[float]:
        found = self._failures.get(key)
        if found is None:
            return collections.deque()
        while found and found[0] <= now - self.window:
            found.popleft()
        if not found:
            del self._failures[key]
        return found

    def _record(self, key: str, now: float, recent: collections.deque[float]) -> float:
        recent.append(now)
        self._failures[key] = recent
        if len(self._failures) > 100_000:  # many addresses: forget the quietest rather than grow forever
            for stale in [k for k, v in self._failures.items() if v[-1] <= now - self.window]:
                del self._failures[stale]
        return now

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key, self.clock())) >= self.limit

    def fail(self, key: str) -> None:
        with self._lock:
            now = self.clock()
            self._record(key, now, self._recent(key, now))

    def reserve(self, key: str) -> float | None:
        """Count one attempt now, unless the key has used up its limit (then ``None``); the value returned
        identifies the attempt for :meth:`release`."""
        with self._lock:
            now = self.clock()
            recent = self._recent(key, now)
            if len(recent) >= self.limit:
                return None
            return self._record(key, now, recent)

    def release(self, key: str, attempt: float) -> None:
        """Take back an attempt :meth:`reserve` counted (it succeeded)."""
        with self._lock:
            found = self._failures.get(key)
            if found is not None:
                with contextlib.suppress(ValueError):
                    found.remove(attempt)
                if not found:
                    del self._failures[key]

    def settle(self, key: str, failed: bool) -> bool:
        """After a lookup: whether its outcome may be shown. ``False`` when the key has used up its limit (the
        caller refuses with 429 whatever the outcome, so that no more than ``limit`` outcomes a window are
        learnt); otherwise a failure is counted."""
        with self._lock:
            now = self.clock()
            recent = self._recent(key, now)
            if len(recent) >= self.limit:
                return False
            if failed:
                self._record(key, now, recent)
            return True


def address_key(host: str) -> str:
    """The key rate limits count a client address under: an IPv4 address as it is, an IPv6 address by its /64
    (one subscriber holds at least that many addresses)."""
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class Sessions:
    """The admin sessions alive on the server: a random id (kept in the signed cookie) and when it expires.
    Logging out forgets the id, so a copy of the cookie is refused afterwards. Thread-safe, in memory (a
    restart logs everyone out)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.time):
        self.seconds, self.clock = seconds, clock
        self._expiry: dict[str, float] = {}
        self._lock = threading.Lock()

    def new(self) -> str:
        session_id = secrets.token_urlsafe(32)
        with self._lock:
            now = self.clock()
            for stale in [k for k, v in self._expiry.items() if v <= now]:
                del self._expiry[stale]
            self._expiry[session_id] = now + self.seconds
        return session_id

    def alive(self, session_id: object) -> bool:
        if not isinstance(session_id, str):
            return False
        with self._lock:
            expiry = self._expiry.get(session_id)
            if expiry is not None and expiry <= self.clock():
                del self._expiry[session_id]
                expiry = None
        return expiry is not None

    def end(self, session_id: object) -> None:
        with self._lock:
            self._expiry.pop(session_id, None)  # type: ignore[arg-type]


def respondent_csrf(secret: bytes, token: str) -> str:
    """The CSRF token of the forms a link's holder posts: HMAC-SHA256 of the secret and the link token's hash."""
    token_hash = hashlib.sha256(token.encode("utf-8")).hexdigest()
    return hmac.new(secret, token_hash.encode("ascii"), hashlib.sha256).hexdigest()


def same(given: str | None, expected: str | None) -> bool:
    """Whether a posted token equals the expected one (constant time; a missing one never does)."""
    return bool(given) and bool(expected) and hmac.compare_digest(str(given).encode(), str(expected).encode())


def new_csrf() -> str:
    return secrets.token_urlsafe(32)


# -- the admin password ---------------------------------------------------------------------------------

def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (argon2-cffi's recommended parameters)."""
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


MIN_PASSWORD = 12
"""The shortest plain admin password accepted (the login is the only guard of names, e-mails and fresh links)."""
_VERIFYING = threading.BoundedSemaphore(1)
"""One password check at a time: each takes tens of MiB and a good part of a second of one core."""


def admin_hash(text: str) -> str:
    """The argon2 hash to check logins against, from what a password file or variable holds: an argon2 hash
    as it is, a plain password hashed now (the plain text is not kept). Surrounding whitespace and a final
    newline are ignored; an empty text, a plain password shorter than :data:`MIN_PASSWORD` characters or a
    broken hash is a :class:`ValueError`."""
    value = text.strip()
    if not value:
        raise ValueError("the admin password is empty")
    if value.startswith("$argon2"):
        from argon2 import extract_parameters
        from argon2.exceptions import InvalidHashError

        try:
            extract_parameters(value)
        except (InvalidHashError, ValueError) as exc:
            reason = str(exc).strip()
            raise ValueError("the admin password hash is not a valid argon2 hash"
                             + (f": {reason}" if reason else "; make one with `pmo-workbench serve --hash-password`")
                             ) from None
        return value
    if len(value) < MIN_PASSWORD:
        raise ValueError(f"the admin password is {len(value)} characters long; give at least {MIN_PASSWORD} "
                         "(a passphrase of a few words)")
    return hash_password(value)


def check_password(hashed: str, password: str) -> bool:
    """Whether ``password`` matches the argon2 ``hashed`` (one check at a time in the whole process)."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    with _VERIFYING:
        try:
            return PasswordHasher().verify(hashed, password)
        except (VerificationError, InvalidHashError):
            return False
