"""Load test of the web server: bounded, loopback only, stops by itself.

Starts ``python -m incidex serve`` on 127.0.0.1 over a database (by default a fresh
``incidex demo`` database), then keeps ``--concurrency`` requests in flight against the list,
detail, search, report, page and "export" (the list API with limit=500; there is no HTTP
export endpoint) endpoints until ``--requests`` have been sent or ``--duration`` seconds have
passed, whichever comes first. Prints throughput, p50/p95/p99 latency per endpoint, the
error count and the server's resident memory before and after.

    python bench/load.py                       # demo database, 200 concurrent, 6000 requests
    python bench/load.py --db events.db --concurrency 100 --requests 20000 --duration 60
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

__all__ = ["LoadResult", "main", "run_load"]

_HOST = "127.0.0.1"  # loopback only, on purpose
_MAX_REQUESTS = 200_000
_MAX_DURATION = 600.0


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    rss_before_kb: int = 0
    rss_after_kb: int = 0
    rss_idle_kb: int = 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((_HOST, 0))
        return int(sock.getsockname()[1])


def _rss_kb(pid: int) -> int:
    """Resident set size of a process (Linux /proc), 0 where unavailable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def _targets(client: httpx.AsyncClient) -> list[tuple[str, str]]:
    """(label, path) pairs built from what the database holds."""
    page = (await client.get("/api/incidents", params={"limit": 50})).json()
    ids = [item["id"] for item in page["items"]] or ["i000000000000"]
    detail = (await client.get(f"/api/incidents/{ids[0]}")).json()
    articles = [a["id"] for a in detail.get("incident", {}).get("articles", [])] or ["a0"]
    out: list[tuple[str, str]] = [
        ("list", "/api/incidents?limit=50"),
        ("list-filtered", "/api/incidents?limit=50&sort=-killed&min_killed=1"),
        ("export", "/api/incidents?limit=500"),
        ("search", "/api/search?q=killed"),
        ("search-page", "/search?q=attack"),
        ("home-page", "/"),
    ]
    for incident_id in ids[:10]:
        out.append(("detail", f"/api/incidents/{incident_id}"))
        out.append(("detail-page", f"/incidents/{incident_id}"))
    for article_id in articles[:5]:
        out.append(("report", f"/api/reports/{article_id}"))
    return out


async def _load(
    base: str, concurrency: int, total: int, duration: float, result: LoadResult
) -> None:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        targets = await _targets(client)
        counter = iter(range(total))
        deadline = time.perf_counter() + duration

        async def worker() -> None:
            for n in counter:
                if time.perf_counter() > deadline:
                    return
                label, path = targets[n % len(targets)]
                started = time.perf_counter()
                try:
                    r = await client.get(path)
                    ok = r.status_code == 200
                    result.statuses[f"{label} {r.status_code}"] += 1
                except httpx.HTTPError as exc:
                    ok = False
                    result.statuses[f"{label} {type(exc).__name__}"] += 1
                result.latencies[label].append(time.perf_counter() - started)
                result.requests += 1
                result.errors += not ok

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        result.seconds = time.perf_counter() - started


def _start_server(db: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "INCIDEX_TOKEN"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "incidex", "serve", "--db", str(db), "--host", _HOST,
         "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://{_HOST}:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with code {proc.returncode}")
        try:
            if httpx.get(f"{base}/api/incidents", timeout=2).status_code == 200:
                return proc, base
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start within 60 s")


def run_load(
    db: Path, *, concurrency: int, requests: int, duration: float, rounds: int = 1
) -> list[LoadResult]:
    """Start a server over ``db``, load it ``rounds`` times, stop it; bounded in count and
    time. The server stays up between rounds, so its RSS shows any growth under load."""
    requests = max(1, min(requests, _MAX_REQUESTS))
    duration = max(1.0, min(duration, _MAX_DURATION))
    proc, base = _start_server(db)
    results: list[LoadResult] = []
    try:
        # Warm up (imports, first queries) so "before" is the server at rest, not at birth.
        asyncio.run(_load(base, 4, 200, 30, LoadResult()))
        for _ in range(max(1, min(rounds, 10))):
            result = LoadResult(rss_before_kb=_rss_kb(proc.pid))
            asyncio.run(_load(base, concurrency, requests, duration, result))
            result.rss_after_kb = _rss_kb(proc.pid)
            time.sleep(2)
            result.rss_idle_kb = _rss_kb(proc.pid)
            results.append(result)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return results


def _report(result: LoadResult, concurrency: int) -> str:
    lines = [
        f"{result.requests} requests, {concurrency} concurrent, {result.seconds:.1f} s: "
        f"{result.requests / result.seconds if result.seconds else 0:.0f} requests/s, "
        f"{result.errors} errors",
        f"{'endpoint':<14} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}",
    ]
    every: list[float] = []
    for label in sorted(result.latencies):
        values = result.latencies[label]
        every += values
        lines.append(
            f"{label:<14} {len(values):>6} {_percentile(values, 50) * 1000:>8.0f} "
            f"{_percentile(values, 95) * 1000:>8.0f} {_percentile(values, 99) * 1000:>8.0f} "
            f"{max(values) * 1000:>8.0f}"
        )
    if every:
        lines.append(
            f"{'all':<14} {len(every):>6} {_percentile(every, 50) * 1000:>8.0f} "
            f"{_percentile(every, 95) * 1000:>8.0f} {_percentile(every, 99) * 1000:>8.0f} "
            f"{max(every) * 1000:>8.0f}   (mean {statistics.fmean(every) * 1000:.0f} ms)"
        )
    bad = {k: v for k, v in result.statuses.items() if not k.endswith(" 200")}
    if bad:
        lines.append(f"non-200 outcomes: {dict(bad)}")
    lines.append(
        f"server RSS: {result.rss_before_kb / 1024:.1f} MB before, "
        f"{result.rss_after_kb / 1024:.1f} MB after, {result.rss_idle_kb / 1024:.1f} MB 2 s later"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=None, help="database (default: a demo one)")
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--requests", type=int, default=6000, help=f"at most {_MAX_REQUESTS}")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds, at most 600")
    parser.add_argument("--rounds", type=int, default=3, help="rounds on one server (max 10)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "demo.db"
            subprocess.run(
                [sys.executable, "-m", "incidex", "demo", "--quiet", "--db", str(db)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        results = run_load(
            db,
            concurrency=args.concurrency,
            requests=args.requests,
            duration=args.duration,
            rounds=args.rounds,
        )
        errors = 0
        for number, result in enumerate(results, start=1):
            if len(results) > 1:
                print(f"-- round {number}")
            print(_report(result, args.concurrency))
            errors += result.errors
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
