"""Start and stop the SPARQL servers under test, and read their processes' memory.

Each server is a subprocess of its own session listening on 127.0.0.1 on a free port. `stop()`
ends that process and then any of its descendants still alive (cdkg's query workers), by pid;
nothing else is ever signalled.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HOST = "127.0.0.1"
ASK = "ASK { ?s ?p ?o }"
SPARQL_JSON = "application/sparql-results+json"


class ServerError(RuntimeError):
    """A server under test could not be started; the message says which and why."""


@dataclass
class Server:
    """A running server: its SPARQL endpoint and the headers every request to it carries."""

    name: str
    endpoint: str
    process: subprocess.Popen[bytes]
    log: Path
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        below = {pid: _started_at(pid) for pid in descendants(self.pid)}
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid, started in below.items():
            # The start time tells a leftover worker from a new process given a reused pid.
            if started is not None and _started_at(pid) == started:
                _kill(pid)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def executable(name: str) -> str | None:
    """A console script of this environment (beside the interpreter) or else on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.is_file() else shutil.which(name)


def start_cdkg(store: Path, tokens_file: Path, log_dir: Path, token: str, timeout: float) -> Server:
    """`cdkg serve` over `store`; requests carry `token` as a bearer token."""
    port = free_port()
    command = _require("cdkg", "the project is not installed: run pip install -e '.[dev]'")
    env = {**os.environ, "CDKG_TOKENS_FILE": str(tokens_file)}
    args = [command, "serve", "--store", str(store), "--host", HOST, "--port", str(port)]
    server = _launch("cdkg", args, f"http://{HOST}:{port}/sparql", log_dir, env)
    server.headers["Authorization"] = f"Bearer {token}"
    return _ready(server, timeout)


def create_token(store: Path, tokens_file: Path, role: str) -> str:
    """A fresh bearer token from `cdkg token create` (printed once on stdout)."""
    command = _require("cdkg", "the project is not installed: run pip install -e '.[dev]'")
    env = {**os.environ, "CDKG_TOKENS_FILE": str(tokens_file)}
    done = subprocess.run(
        [command, "token", "create", "--role", role, "--label", "benchmark", "--store", str(store)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise ServerError(f"cdkg token create failed: {done.stderr.strip() or done.stdout}")
    return done.stdout.strip().splitlines()[-1]


def oxigraph_load(location: Path, nquads: Path, log_dir: Path) -> float:
    """Load `nquads` into a fresh Oxigraph store with the native CLI; returns seconds taken."""
    command = _require("oxigraph", "the PyPI package 'oxigraph' is not installed")
    started = time.perf_counter()
    with (log_dir / "oxigraph-load.log").open("wb") as log:
        done = subprocess.run(
            [command, "load", "--location", str(location), "--file", str(nquads)],
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode != 0:
        raise ServerError(f"oxigraph load failed; see {log_dir / 'oxigraph-load.log'}")
    return time.perf_counter() - started


def start_oxigraph(location: Path, log_dir: Path, timeout: float) -> Server:
    """`oxigraph serve`: the native server, reading the union of the named graphs by default
    as cdkg does for a reader."""
    port = free_port()
    command = _require("oxigraph", "the PyPI package 'oxigraph' is not installed")
    args = [command, "serve", "--location", str(location), "--bind", f"{HOST}:{port}"]
    args.append("--union-default-graph")
    server = _launch("oxigraph", args, f"http://{HOST}:{port}/query", log_dir, dict(os.environ))
    return _ready(server, timeout)


def start_rdflib_endpoint(nquads: Path, log_dir: Path, timeout: float) -> Server:
    """`rdflib-endpoint serve`: an rdflib Dataset (default graph = union) parsed from
    `nquads`; the endpoint answers at `/`."""
    port = free_port()
    command = _require("rdflib-endpoint", "the PyPI package 'rdflib-endpoint' is not installed")
    args = [command, "serve", str(nquads), "--host", HOST, "--port", str(port)]
    server = _launch("rdflib-endpoint", args, f"http://{HOST}:{port}/", log_dir, dict(os.environ))
    return _ready(server, timeout)


def _require(name: str, why: str) -> str:
    found = executable(name)
    if found is None:
        raise ServerError(f"{name}: {why}")
    return found


def _launch(
    name: str, args: list[str], endpoint: str, log_dir: Path, env: dict[str, str]
) -> Server:
    log = log_dir / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    return Server(name, endpoint, process, log)


def _ready(server: Server, timeout: float) -> Server:
    """Wait until the server answers an ASK; stop it and raise if it dies or takes too long."""
    deadline = time.monotonic() + timeout
    headers = {**server.headers, "Accept": SPARQL_JSON}
    with httpx.Client(timeout=5.0) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise ServerError(
                    f"{server.name} exited with code {server.process.returncode} while starting:"
                    f"\n{_tail(server.log)}"
                )
            try:
                answer = client.get(server.endpoint, params={"query": ASK}, headers=headers)
                if answer.status_code == 200:
                    return server
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    server.stop()
    raise ServerError(f"{server.name} did not answer within {timeout:.0f} s:\n{_tail(server.log)}")


def _tail(log: Path, lines: int = 15) -> str:
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return


def _started_at(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/PID/stat)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def descendants(pid: int) -> list[int]:
    """Every live process below `pid`, read from /proc (empty where /proc is missing)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses; the parent pid follows the last ')'.
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def memory_kib(pid: int, field_name: str) -> int:
    """A `/proc/PID/status` memory field (VmRSS, VmHWM) in KiB; 0 once the process is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    return 0


def tree_rss_kib(pid: int) -> int:
    """Resident memory of `pid` and all its descendants, in KiB."""
    return sum(memory_kib(p, "VmRSS") for p in [pid, *descendants(pid)])


class MemoryWatch:
    """Samples the resident memory of a server's process tree while a request runs.

    `peak_increase_kib`: highest sampled tree RSS above the level just before;
    `hwm_increase_kib`: growth of the kernel's own high-water marks (VmHWM), summed over the
    processes that lived through the whole request, which also catches peaks between samples.
    """

    def __init__(self, pid: int, every_s: float = 0.02) -> None:
        self.pid = pid
        self.every_s = every_s
        self.baseline_kib = 0
        self.peak_increase_kib = 0
        self.hwm_increase_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._pids: list[int] = []
        self._hwm: dict[int, int] = {}

    def __enter__(self) -> MemoryWatch:
        self._pids = [self.pid, *descendants(self.pid)]
        self._hwm = {p: memory_kib(p, "VmHWM") for p in self._pids}
        self.baseline_kib = self._rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        after = {p: memory_kib(p, "VmHWM") for p in self._hwm}
        self.hwm_increase_kib = sum(
            max(0, after[p] - before) for p, before in self._hwm.items() if after[p]
        )

    def _rss(self) -> int:
        return sum(memory_kib(p, "VmRSS") for p in self._pids)

    def _sample(self) -> None:
        rounds = 0
        while not self._stop.wait(self.every_s):
            rounds += 1
            if rounds % 25 == 0:  # a replaced worker is a new pid
                self._pids = [self.pid, *descendants(self.pid)]
            rise = self._rss() - self.baseline_kib
            self.peak_increase_kib = max(self.peak_increase_kib, rise)
