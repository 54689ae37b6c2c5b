"""``pmo-workbench serve``: the admin password from a file or the environment (plain or argon2), ``--hash-password``,
usage errors, and the server itself answering on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest
from typer.testing import CliRunner

import pmo_workbench.cli.serve  # noqa: F401 - registers the command
from pmo_workbench.cli.app import app
from pmo_workbench.cli.serve import PASSWORD_ENV, read_admin_password
from pmo_workbench.web.security import check_password, hash_password

from .conftest import free_port

runner = CliRunner()


def test_hash_password_reads_stdin_and_prints_an_argon2_hash():
    result = runner.invoke(app, ["serve", "--hash-password"], input="s3cret pass\n")
    assert result.exit_code == 0, result.output
    printed = result.stdout.strip()
    assert printed.startswith("$argon2id$") and check_password(printed, "s3cret pass")
    empty = runner.invoke(app, ["serve", "--hash-password"], input="\n")
    assert empty.exit_code == 2 and "the password is empty" in empty.stderr


def test_the_admin_password_comes_from_the_file_else_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    assert read_admin_password(None) is None
    plain = tmp_path / "plain.txt"
    plain.write_text("from the file\n", encoding="utf-8")
    hashed = read_admin_password(plain)
    assert hashed.startswith("$argon2id$") and check_password(hashed, "from the file")
    ready = hash_password("kept as given")
    (tmp_path / "hash.txt").write_text(ready + "\n", encoding="utf-8")
    assert read_admin_password(tmp_path / "hash.txt") == ready
    monkeypatch.setenv(PASSWORD_ENV, "from the environment")
    assert check_password(read_admin_password(None), "from the environment")
    assert check_password(read_admin_password(plain), "from the file")  # the file wins


@pytest.mark.parametrize("content, message", [
    ("  \n", "--admin-password-file {path}: the admin password is empty"),
    ("$argon2id$v=19$nonsense", "--admin-password-file {path}: the admin password hash is not a valid argon2 hash"),
])
def test_a_bad_password_file_is_a_usage_error(tmp_path, content, message):
    path = tmp_path / "pw.txt"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["serve", "--admin-password-file", str(path), "--db", str(tmp_path / "w.db")])
    assert result.exit_code == 2 and message.format(path=path) in result.stderr


def test_a_missing_password_file_and_a_bad_base_url_are_refused(tmp_path):
    missing = runner.invoke(app, ["serve", "--admin-password-file", str(tmp_path / "none.txt")])
    assert missing.exit_code == 2 and "none.txt" in missing.stderr
    assert not (tmp_path / "w.db").exists()
    bad = runner.invoke(app, ["serve", "--base-url", "survey.example.org"])
    assert bad.exit_code == 2 and "--base-url survey.example.org: give an address starting with https://" in bad.stderr


@pytest.mark.slow
def test_serve_answers_on_the_port_with_the_admin_login(tmp_path):
    port = free_port()
    env = {**os.environ, PASSWORD_ENV: "a long admin password"}
    server = subprocess.Popen([sys.executable, "-m", "pmo_workbench", "serve", "--db", str(tmp_path / "w.db"),
                               "--port", str(port), "--insecure-cookies", "--secret-file", str(tmp_path / "key")],
                              env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    try:
        page = None
        for _ in range(200):
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/admin", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert page is not None and page.status_code == 200
        assert 'type="password"' in page.text and page.headers["x-frame-options"] == "DENY"
        assert "server" not in page.headers
    finally:
        server.terminate()
        server.wait(30)
    assert (tmp_path / "w.db").exists() and len((tmp_path / "key").read_text().strip()) == 64
