"""Throughput load generators: wrk when it is installed (or can be), else a Python client pool.

Both keep CLIENTS keep-alive connections busy with one query for a fixed time and report the
successful answers per second.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
from dataclasses import dataclass

import httpx

from benchmarks.servers import ServerError

CLIENTS = 8


@dataclass(frozen=True)
class Load:
    rps: float
    failed: int


def ensure_wrk() -> str | None:
    """wrk's path, installing the Debian package when it is missing and apt-get can; None (and
    a message saying why) when it stays missing."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print(
            "  wrk is not installed and cannot be installed here (needs apt-get as root); "
            "measuring throughput with the Python load generator instead",
            flush=True,
        )
        return None
    print("  wrk is not installed: running apt-get install -y wrk", flush=True)
    for attempt in (
        ["apt-get", "install", "-y", "-q", "wrk"],
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "wrk"],
    ):
        subprocess.run(attempt, capture_output=True, check=False, timeout=600)
        if shutil.which("wrk"):
            return shutil.which("wrk")
    print(
        "  apt-get could not install wrk; measuring throughput with the Python load "
        "generator instead",
        flush=True,
    )
    return None


def wrk_load(wrk: str, endpoint: str, text: str, headers: dict[str, str], seconds: float) -> Load:
    url = str(httpx.URL(endpoint, params={"query": text}))
    args = [
        wrk,
        "-t",
        "2",
        "-c",
        str(CLIENTS),
        "-d",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "30s",
    ]
    for key, value in headers.items():
        args += ["-H", f"{key}: {value}"]
    done = subprocess.run([*args, url], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ServerError(f"wrk failed: {done.stderr.strip() or done.stdout.strip()}")
    return parse_wrk(done.stdout)


def parse_wrk(output: str) -> Load:
    """Requests/s from wrk's summary, less the share that failed (non-2xx answers, timeouts)."""
    rps = float(re.search(r"Requests/sec:\s*([\d.]+)", output)[1])  # type: ignore[index]
    total = re.search(r"(\d+) requests in", output)
    failed = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s*(\d+)", output))
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if errors:
        failed += sum(int(n) for n in errors.groups())
    if total and int(total[1]):
        rps *= max(0, int(total[1]) - failed) / int(total[1])
    return Load(rps, failed)


def python_load(endpoint: str, text: str, headers: dict[str, str], seconds: float) -> Load:
    """CLIENTS concurrent keep-alive clients for `seconds`: successful answers per second."""
    return asyncio.run(_python_load(endpoint, text, headers, seconds))


async def _python_load(endpoint: str, text: str, headers: dict[str, str], seconds: float) -> Load:
    ok = failed = 0
    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(limits=limits, timeout=30.0) as client:
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + seconds

        async def one_client() -> None:
            nonlocal ok, failed
            while loop.time() < deadline:
                try:
                    answer = await client.get(endpoint, params={"query": text}, headers=headers)
                    await answer.aread()
                except httpx.HTTPError:
                    failed += 1
                    continue
                if answer.status_code == 200:
                    ok += 1
                else:
                    failed += 1

        await asyncio.gather(*(one_client() for _ in range(CLIENTS)))
        elapsed = loop.time() - started
    return Load(ok / elapsed if elapsed > 0 else 0.0, failed)
