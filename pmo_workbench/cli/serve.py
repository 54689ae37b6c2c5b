"""``pmo-workbench serve``: the respondent web app under uvicorn; ``serve --hash-password`` prints an argon2 hash
for the admin password file."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import FileError
from .app import app, usage
from .store import DbOption

PASSWORD_ENV = "PMO_WORKBENCH_ADMIN_PASSWORD"


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
    elif os.environ.get(PASSWORD_ENV):
        text, where = os.environ[PASSWORD_ENV], PASSWORD_ENV
    else:
        return None
    try:
        return admin_hash(text)
    except ValueError as exc:
        usage(f"{where}: {exc}")


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
    web = create_app(db if db is not None else default_url(), admin_password_hash=password_hash,
                     base_url=base_url, secure_cookies=not insecure_cookies)
    typer.echo(f"serving on http://{host}:{port} (admin: {'login' if password_hash else 'off: no password set'}); "
               "Ctrl+C stops", err=True)
    # uvicorn trusts X-Forwarded-For/-Proto from 127.0.0.1 only: behind a local TLS proxy the rate limits count
    # the real client addresses and the login sees https; nobody else can claim another address.
    uvicorn.run(web, host=host, port=port, log_level="warning", server_header=False)
