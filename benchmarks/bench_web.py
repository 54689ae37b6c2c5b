"""Web app speed: 60 respondents answering at once, against the same number answering one after another, in the
same run, on SQLite and (when ``PGHOST`` is set, e.g. under ``pg_virtualenv``) on PostgreSQL.

For each database, a fresh store gets a ``pmo-core`` assessment and two sets of invitations (roles cycling through
the instrument's five), then ``pmo-workbench serve`` (uvicorn, one process) is started on a free port of 127.0.0.1.
Each respondent opens their link, consents, posts every page of the items put to their role (one "don't know"
in seven) and submits: about 17 requests.

- ``sequential`` (the baseline): the first set, one respondent after another, one request at a time;
- ``concurrent``: the second set all at once (``httpx.AsyncClient``, a connection each, all released together).

Transport: the server closes a keep-alive connection idle for 5 s, so the client does not reuse one idle for
more than 2 s; a request that still meets a connection closed under it (reset, or closed without a response)
is sent once more on a fresh one and counted under "retried". Such a failure is a race of the transport, not a
lost answer: the stored answers are checked in full at the end. On any failure the server's stderr is printed.

Before any number is printed, every invitation must be submitted and every answer stored. Printed per run:
submissions per second, the 95th percentile of request latency and of a respondent's whole visit, and the ratio
of concurrent to sequential submissions per second.

Run::

    .venv/bin/python benchmarks/bench_web.py [--respondents 60]
    pg_virtualenv .venv/bin/python benchmarks/bench_web.py      # SQLite and PostgreSQL
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import numpy as np

from pmo_workbench.assessment.instrument import load_instrument
from pmo_workbench.store import Person, Store
from pmo_workbench.web.forms import pages_for

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def plan_for(instrument, role: str, n: int) -> list[tuple[int, dict[str, str]]]:
    plan = []
    for page in pages_for(instrument, role):
        plan.append((page.number, {f"item-{item.id}": "DK" if (n + k) % 7 == 0 else str(1 + (n + k) % 5)
                                   for k, item in enumerate(page.items)}))
    return plan


RESET = (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError)
"""A connection closed under a request before any response came."""


async def visit(client: httpx.AsyncClient, token: str, plan, latencies: list[float], retried: list[str],
                go: asyncio.Event | None = None) -> float:
    """One respondent's whole visit; returns its duration (s), and appends each request's latency."""
    async def call(method: str, url: str, expected: int, **kw) -> httpx.Response:
        start = time.perf_counter()
        try:
            response = await client.request(method, url, **kw)
        except RESET as exc:
            retried.append(f"{method} {url.replace(token, '<link>')}: {type(exc).__name__}")
            response = await client.request(method, url, **kw)
        latencies.append(time.perf_counter() - start)
        if response.status_code != expected:
            raise RuntimeError(f"{method} {url}: {response.status_code}, expected {expected}")
        return response

    if go is not None:
        await go.wait()
    began = time.perf_counter()
    csrf = CSRF.search((await call("GET", f"/r/{token}", 200)).text).group(1)
    await call("POST", f"/r/{token}", 303, data={"csrf": csrf, "consent": "yes"})
    for number, answers in plan:
        await call("POST", f"/r/{token}/page/{number}", 303, data={"csrf": csrf, **answers})
    await call("POST", f"/r/{token}/submit", 303, data={"csrf": csrf})
    return time.perf_counter() - began


async def run(base: str, visits: list[tuple[str, list]], concurrent: bool) -> dict:
    latencies: list[float] = []
    retried: list[str] = []
    limits = httpx.Limits(max_connections=len(visits) if concurrent else 1, keepalive_expiry=2.0)
    async with httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(120), limits=limits) as client:
        if concurrent:
            go = asyncio.Event()
            started = [asyncio.ensure_future(visit(client, token, plan, latencies, retried, go))
                       for token, plan in visits]
            await asyncio.sleep(0)
            start = time.perf_counter()
            go.set()
            durations = await asyncio.wait_for(asyncio.gather(*started), timeout=1800)
        else:
            start = time.perf_counter()
            durations = [await visit(client, token, plan, latencies, retried) for token, plan in visits]
        wall = time.perf_counter() - start
    return {"rate": len(visits) / wall, "wall": wall, "requests": len(latencies), "retried": retried,
            "p95_request_ms": 1000 * float(np.percentile(latencies, 95)),
            "p95_visit_s": float(np.percentile(durations, 95))}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def server(url: str, folder: Path):
    """``pmo-workbench serve`` on a free port; its stderr goes to a file, printed when anything fails."""
    port = free_port()
    log_path = folder / f"server-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "pmo_workbench", "serve", "--db", url, "--port", str(port),
                                    "--secret-file", str(folder / "secret")], stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError("the server stopped")
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    except BaseException:
        print(f"--- the server's stderr ---\n{log_path.read_text(errors='replace')}---", file=sys.stderr)
        raise
    finally:
        process.terminate()
        process.wait(30)


@contextlib.contextmanager
def postgres_database():
    """A fresh PostgreSQL database from libpq's environment (dropped afterwards)."""
    import psycopg
    import sqlalchemy as sa

    name = f"pmo_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dbname=os.environ.get("PGDATABASE", "postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield sa.URL.create("postgresql+psycopg", username=os.environ.get("PGUSER"),
                                password=os.environ.get("PGPASSWORD"), host=os.environ.get("PGHOST"),
                                port=int(os.environ["PGPORT"]) if os.environ.get("PGPORT") else None,
                                database=name).render_as_string(hide_password=False)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench(url: str, respondents: int, folder: Path) -> dict[str, dict]:
    instrument = load_instrument("pmo-core")
    roles = instrument.role_ids
    with Store(url) as store:
        assessment = store.create_assessment("Bench Org", "Bench PMO", instrument)
        people = [Person(roles[n % len(roles)], name=f"Person {n}", key=f"p{n}") for n in range(2 * respondents)]
        issued = store.invite(assessment, people)
    visits = [(i.token, plan_for(instrument, i.person.role, n)) for n, i in enumerate(issued)]
    with server(url, folder) as base:
        results = {"sequential": asyncio.run(run(base, visits[:respondents], concurrent=False)),
                   "concurrent": asyncio.run(run(base, visits[respondents:], concurrent=True))}
    with Store(url) as store:
        status = store.invitation_status(assessment).set_index("role")
        stored = store.responses(assessment)
    expected = sum(len(answers) for _, plan in visits for _, answers in plan)
    if status.loc["total", "submitted"] != 2 * respondents or len(stored) != expected:
        raise SystemExit(f"stored {status.loc['total', 'submitted']} submissions and {len(stored)} answers; "
                         f"expected {2 * respondents} and {expected}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=60)
    args = parser.parse_args()
    databases: list[tuple[str, contextlib.AbstractContextManager]] = []
    with tempfile.TemporaryDirectory() as folder:
        databases.append(("SQLite", contextlib.nullcontext(f"sqlite:///{Path(folder) / 'bench.db'}")))
        if os.environ.get("PGHOST"):
            databases.append(("PostgreSQL", postgres_database()))
        else:
            print("PostgreSQL: skipped (PGHOST is not set; run under pg_virtualenv)")
        for label, database in databases:
            with database as url:
                results = bench(url, args.respondents, Path(folder))
            print(f"\n{label}: {args.respondents} respondents, every answer stored")
            print(f"{'run':<12}{'submissions/s':>15}{'p95 request ms':>16}{'p95 visit s':>13}{'requests':>10}")
            for name, r in results.items():
                print(f"{name:<12}{r['rate']:>15.1f}{r['p95_request_ms']:>16.1f}{r['p95_visit_s']:>13.2f}"
                      f"{r['requests']:>10}")
            ratio = results["concurrent"]["rate"] / results["sequential"]["rate"]
            print(f"concurrent / sequential (baseline) submissions per second: {ratio:.2f}x")
            for name, r in results.items():
                if r["retried"]:
                    print(f"{name}: {len(r['retried'])} request(s) sent again after the connection was closed "
                          f"under them: {', '.join(r['retried'])}")


if __name__ == "__main__":
    main()
