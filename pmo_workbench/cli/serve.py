"""``pmo-workbench serve``: the respondent web app under uvicorn; ``serve --hash-password`` prints an argon2 hash
for the admin password file."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import FileError
from .app import app, usage
from .store import DbOption

PASSWORD_ENV = "PMO_WORKBENCH_ADMIN_PASSWORD"
SECRET_ENV = "PMO_WORKBENCH_SECRET"
SECRET_BYTES = 32


def read_admin_password(path: Path | None) -> str | None:
    """The admin password hash from ``path`` (a plain password or an argon2 hash), else from the environment
    variable :data:`PASSWORD_ENV`, else ``None`` (no admin login). A plain password is hashed at once."""
    from ..web.security import admin_hash

    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise FileError.from_os_error("read", path, exc) from None
        where = f"--admin-password-file {path}"
        if not text.strip().startswith("$argon2") and _shared(path):
            typer.echo(f"warning: {path} holds the admin password in clear and other users may read it: "
                       f"`chmod 600 {path}`, or put in it the hash `pmo-workbench serve --hash-password` prints",
                       err=True)
    elif os.environ.get(PASSWORD_ENV):
        text, where = os.environ[PASSWORD_ENV], PASSWORD_ENV
    else:
        return None
    try:
        return admin_hash(text)
    except ValueError as exc:
        usage(f"{where}: {exc}")


def _shared(path: Path) -> bool:
    """Whether the file's group or other users may read it (always ``False`` where modes do not say so)."""
    try:
        return os.name == "posix" and bool(path.stat().st_mode & 0o044)
    except OSError:
        return False


def read_secret(path: Path | None) -> bytes:
    """The key of the server's cookies and form tokens, kept across restarts (so that the pages open in browsers
    stay valid): from ``path``, else the variable :data:`SECRET_ENV`, else the file ``web-secret`` in the user's
    data folder. A file that does not exist yet is created with a random key, readable by its owner only."""
    if path is None and os.environ.get(SECRET_ENV, "").strip():
        text, where = os.environ[SECRET_ENV].strip(), SECRET_ENV
    else:
        where = f"--secret-file {path}"
        if path is None:
            import platformdirs

            path = platformdirs.user_data_path("pmo-workbench") / "web-secret"
            where = str(path)
        if not path.exists():
            _new_secret(path)
        try:
            text = path.read_text(encoding="utf-8").strip()
        except UnicodeDecodeError:
            usage(f"{where}: not a text file")
        except OSError as exc:
            raise FileError.from_os_error("read", path, exc) from None
    if len(text) < 32:
        usage(f"{where}: the key is too short ({len(text)} characters; give 32 or more, e.g. "
              "`python -c 'import secrets; print(secrets.token_hex(32))'`)")
    return text.encode("utf-8")


def _new_secret(path: Path) -> None:
    """Write a random key to ``path``, mode 0600, unless another server made the file just now."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise FileError.from_os_error("write", path, exc) from None
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_hex(SECRET_BYTES) + "\n")


def _hash_and_exit() -> None:
    from ..web.security import hash_password

    if sys.stdin.isatty():
        password = typer.prompt("Admin password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password.strip():
        usage("the password is empty")
    typer.echo(hash_password(password))
    raise typer.Exit(0)


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (127.0.0.1: this machine only).")
                    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    db: DbOption = None,
    admin_password_file: Annotated[Path | None, typer.Option(
        "--admin-password-file", help=f"File holding the admin password or its argon2 hash (else ${PASSWORD_ENV}; "
        "without either, /admin has no login).")] = None,
    base_url: Annotated[str | None, typer.Option(
        "--base-url", help="Public address of this server (https://...), for the links of reminder CSVs.")] = None,
    insecure_cookies: Annotated[bool, typer.Option(
        "--insecure-cookies", help="Send the admin session cookie over plain HTTP too: only for use on this "
        "machine (http://127.0.0.1); behind HTTPS leave it off.")] = False,
    secret_file: Annotated[Path | None, typer.Option(
        "--secret-file", help=f"File holding the key of cookies and form tokens (else ${SECRET_ENV}, else a file "
        "made once in your data folder): a restart then keeps the pages open in browsers valid.")] = None,
    behind_proxy: Annotated[bool, typer.Option(
        "--behind-proxy", help="Trust X-Forwarded-For/-Proto from a reverse proxy on 127.0.0.1 (an HTTPS front): "
        "rate limits then count the addresses it names. Without it, the connection's address counts.")] = False,
    hash_password: Annotated[bool, typer.Option(
        "--hash-password", help="Read a password (prompted, or one line on stdin), print its argon2 hash for "
        "--admin-password-file, and exit.")] = False,
) -> None:
    """Serve the questionnaire to respondents (their invitation links) and the admin pages at /admin."""
    if hash_password:
        _hash_and_exit()
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        usage(f"--base-url {base_url}: give an address starting with https:// (or http://)")
    import uvicorn

    from ..store import default_url
    from ..web import create_app

    password_hash = read_admin_password(admin_password_file)
    secret = read_secret(secret_file)
    web = create_app(db if db is not None else default_url(), admin_password_hash=password_hash, secret=secret,
                     base_url=base_url, secure_cookies=not insecure_cookies)
    typer.echo(f"serving on http://{host}:{port} (admin: {'login' if password_hash else 'off: no password set'}); "
               "Ctrl+C stops", err=True)
    # Forwarded headers only with --behind-proxy, and then from 127.0.0.1 only: otherwise any local process could
    # claim another address for every request and escape the rate limits.
    uvicorn.run(web, host=host, port=port, log_level="warning", server_header=False, proxy_headers=behind_proxy,
                forwarded_allow_ips="127.0.0.1")
