#!/usr/bin/env python3
"""Load benchmark: N concurrent INSTREAM clients against vigild and clamd, side by side, with the same database.

For each daemon it starts the daemon on loopback with its own clamd.conf, waits until it answers PING, then for each
client count N keeps N connections busy for --seconds: each client repeatedly opens a connection, sends
zINSTREAM with one payload from the set (clean data of --payload-kb KiB, one EICAR test file in --infected-every),
reads the reply and checks it. It reports requests per second, p50/p99 latency, errors, and the daemon's resident
memory: after the load (steady), its peak over the run (VmHWM), and the peak while a RELOAD builds the new database
beside the old one. Every daemon started is stopped at the end (also on Ctrl-C).

    bench/daemon_load.py --db DIR [--clients 1,10,100,1000] [--seconds 10] [--payload-kb 64]
                         [--vigild "CMD"] [--clamd /usr/sbin/clamd] [--skip-clamd] [--skip-vigild]
                         [--reload-changed]

The RELOAD reloads the unchanged database. With --reload-changed the daemons serve a copy of --db, and a second
RELOAD follows after one signature was appended to one hash database file of the copy (the first .hsb, else .hdb):
an update that changes one file, which vigild's reload parses while taking over the others (docs/daemon.md).

--vigild is the command that starts vigild, to which "-c CONF --foreground" is appended (default: ./vigild of this
checkout). Only loopback is used. The client is Python asyncio on one core, so on a small machine the client and the
daemon share the CPUs: compare the two daemons with each other, not with other machines.
"""
import argparse
import asyncio
import os
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_kib(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def ping(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(b"zPING\0")
            return s.recv(16) == b"PONG\0"
    except OSError:
        return False


class Daemon:
    def __init__(self, name, argv_prefix, db, work, extra):
        self.name = name
        self.port = free_port()
        self.work = work
        self.log = os.path.join(work, f"{name}.log")
        conf = os.path.join(work, f"{name}.conf")
        with open(conf, "w") as f:
            f.write(f"TCPSocket {self.port}\nTCPAddr 127.0.0.1\nDatabaseDirectory {db}\nForeground yes\n"
                    f"LogFile {self.log}\nTemporaryDirectory {work}\nMaxThreads {extra['threads']}\n"
                    f"MaxQueue {extra['queue']}\nMaxConnectionQueueLength 1024\nStreamMaxLength 100M\n")
        self.argv = argv_prefix + ["-c", conf, "--foreground"]
        self.proc = None

    def start(self):
        t0 = time.time()
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        while not ping(self.port):
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} exited while starting (see {self.log})")
            if time.time() - t0 > 600:
                self.stop()
                raise SystemExit(f"{self.name} did not start within 10 minutes")
            time.sleep(0.2)
        return time.time() - t0

    def pid(self):
        # ./vigild execs java; clamd runs in the foreground: the started process is the daemon
        return self.proc.pid

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def log_count(self, text):
        try:
            with open(self.log, errors="replace") as f:
                return f.read().count(text)
        except OSError:
            return 0


async def one_request(port, payload):
    t0 = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"zINSTREAM\0" + struct.pack(">I", len(payload)) + payload + b"\0\0\0\0")
    await writer.drain()
    reply = await reader.read()
    writer.close()
    return time.perf_counter() - t0, reply


async def load(port, clients, seconds, payloads):
    latencies = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def client(i):
        nonlocal errors
        k = i
        while time.perf_counter() < stop:
            payload, expect = payloads[k % len(payloads)]
            k += 1
            try:
                dt, reply = await one_request(port, payload)
                if reply.startswith(expect) and not reply.endswith(b"ERROR\0"):
                    latencies.append(dt)
                else:
                    errors += 1
            except OSError:
                errors += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    elapsed = time.perf_counter() - t0
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")

    return len(latencies) / elapsed, pct(0.50), pct(0.99), errors


def measure_reload(d):
    """RSS before RELOAD and its peak until the daemon logs the reload as done."""
    before = status_kib(d.pid(), "VmRSS")
    done_before = d.log_count("Database correctly reloaded")
    with socket.create_connection(("127.0.0.1", d.port), timeout=10) as s:
        s.sendall(b"zRELOAD\0")
        s.recv(64)
    peak = before
    t0 = time.time()
    while d.log_count("Database correctly reloaded") <= done_before and time.time() - t0 < 600:
        peak = max(peak, status_kib(d.pid(), "VmRSS"))
        time.sleep(0.05)
    return before, peak, time.time() - t0


def changeable_file(db):
    """The hash database file that --reload-changed appends to."""
    names = sorted(os.listdir(db))
    for ext in (".hsb", ".hdb"):
        for n in names:
            if n.endswith(ext):
                return os.path.join(db, n)
    raise SystemExit(f"--reload-changed: no .hsb or .hdb file in {db}")


def append_signature(path, tag):
    """Appends one signature (a SHA-256 in a .hsb, an MD5 in a .hdb) that no benchmark payload matches."""
    import hashlib
    data = f"vigil daemon_load reload {tag}".encode()
    digest = (hashlib.sha256 if path.endswith(".hsb") else hashlib.md5)(data).hexdigest()
    with open(path, "ab") as f:
        f.write(f"{digest}:{len(data)}:Vigil.Bench.Reload.{tag}\n".encode())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--clients", default="1,10,100,1000")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--payload-kb", type=int, default=64)
    ap.add_argument("--infected-every", type=int, default=10)
    ap.add_argument("--threads", type=int, default=10, help="MaxThreads of both daemons")
    ap.add_argument("--queue", type=int, default=1100, help="MaxQueue of both daemons")
    ap.add_argument("--vigild", default=os.path.join(ROOT, "vigild"))
    ap.add_argument("--clamd", default="/usr/sbin/clamd")
    ap.add_argument("--skip-clamd", action="store_true")
    ap.add_argument("--skip-vigild", action="store_true")
    ap.add_argument("--no-reload", action="store_true")
    ap.add_argument("--reload-changed", action="store_true",
                    help="serve a copy of --db and RELOAD again after appending a signature to one hash file")
    a = ap.parse_args()
    if a.reload_changed and a.no_reload:
        raise SystemExit("--reload-changed needs the RELOAD step")

    clean = bytes((i * 131 + 7) % 251 for i in range(a.payload_kb * 1024))
    # any verdict counts as an answer (a benchmark database may not know EICAR); ERROR and failures are errors
    payloads = [(clean, b"stream: ")] * (a.infected_every - 1) + [(EICAR, b"stream: ")]
    counts = [int(c) for c in a.clients.split(",")]
    work = tempfile.mkdtemp(prefix="vigil-daemon-load-")
    extra = {"threads": a.threads, "queue": a.queue}
    db = os.path.abspath(a.db)
    changed = None
    if a.reload_changed:
        db = os.path.join(work, "db")
        shutil.copytree(os.path.abspath(a.db), db)
        changed = changeable_file(db)
        original_size = os.path.getsize(changed)
    daemons = []
    if not a.skip_vigild:
        daemons.append(Daemon("vigild", shlex.split(a.vigild), db, work, extra))
    if not a.skip_clamd:
        daemons.append(Daemon("clamd", [a.clamd], db, work, extra))

    rows = []
    try:
        for d in daemons:
            startup = d.start()
            at_start = status_kib(d.pid(), "VmRSS")
            print(f"{d.name}: up in {startup:.1f} s, RSS {status_kib(d.pid(), 'VmRSS') / 1024:.0f} MiB",
                  file=sys.stderr)
            for n in counts:
                rps, p50, p99, errors = asyncio.run(load(d.port, n, a.seconds, payloads))
                rows.append((d.name, n, rps, p50, p99, errors))
                print(f"{d.name} N={n}: {rps:.0f} req/s p50 {p50:.1f} ms p99 {p99:.1f} ms errors {errors}",
                      file=sys.stderr)
            steady = status_kib(d.pid(), "VmRSS")
            reloads = [("unchanged", measure_reload(d) if not a.no_reload else (0, 0, 0))]
            if changed:
                # the first reload's garbage goes back to the OS after its final collection: start from there
                time.sleep(5)
                append_signature(changed, d.name)
                reloads.append((f"{os.path.basename(changed)} changed", measure_reload(d)))
                os.truncate(changed, original_size)
            hwm = status_kib(d.pid(), "VmHWM")
            rows.append((d.name, "rss", steady, hwm, reloads, at_start))
            d.stop()
    finally:
        for d in daemons:
            d.stop()
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nINSTREAM load, payload {a.payload_kb} KiB clean + EICAR every {a.infected_every}, "
          f"{a.seconds:g} s per step, MaxThreads {a.threads}, database {a.db}\n")
    print("| daemon | clients | requests/s | p50 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        if r[1] != "rss":
            print(f"| {r[0]} | {r[1]} | {r[2]:.0f} | {r[3]:.1f} | {r[4]:.1f} | {r[5]} |")
    # Two ratios: against the steady state (RSS after serving the load, the daemon's working size) and against the
    # RSS just before the RELOAD (lower when an earlier reload left the heap freshly shrunk).
    print("\n| daemon | RSS at start MiB | RSS after load (steady) MiB | peak RSS (VmHWM) MiB | RELOAD of "
          "| RSS just before MiB | peak during RELOAD MiB | peak / steady | peak / just before | reload s |")
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    for r in rows:
        if r[1] == "rss":
            for what, (before, peak, secs) in r[4]:
                steady_ratio = peak / r[2] if r[2] else float("nan")
                ratio = peak / before if before else float("nan")
                print(f"| {r[0]} | {r[5] / 1024:.0f} | {r[2] / 1024:.0f} | {r[3] / 1024:.0f} | {what} "
                      f"| {before / 1024:.0f} | {peak / 1024:.0f} | {steady_ratio:.2f} | {ratio:.2f} | {secs:.1f} |")


if __name__ == "__main__":
    main()
