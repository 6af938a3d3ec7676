"""The faults of the load test, one after the other, while locust runs (ops/load/run.py).

    python ops/load/faults.py --output var/load/faults.json [--only web1,worker,smtp,redis]
                              [--warmup 20] [--gap 15]

Each fault goes through ops/up.py's per-process control, as an operator (or a crash)
would, and its window is written with timestamps (Unix time) to --output as it ends:

- web1:   app server 1 stopped (TERM, KILL after a 10 s grace), down 20 s, started again;
- worker: the Celery worker killed (KILL, its main process and its pool's processes at
          once, as the kernel's OOM killer or a lost host would) while it holds an outbox
          mail (claimed, not yet marked sent: mid-send); its keeper starts it again; the
          window lasts until it answers a ping again;
- smtp:   the SMTP server stopped for 60 s, then started again;
- redis:  Redis (cache, rate-limit counters, Celery's broker) stopped for 30 s, started.

A window starts when the fault begins and ends when the process is back (its port
answers), so that the errors it causes can be matched to it. Runs in the virtualenv
(psycopg, to catch the worker mid-send).
"""

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "ops"))
import up  # noqa: E402  (ops/up.py)

FAULTS = ("web1", "worker", "smtp", "redis")
WEB_GRACE_SECONDS = 10
WEB_DOWN_SECONDS = 20
SMTP_DOWN_SECONDS = 60
REDIS_DOWN_SECONDS = 30


def log(message):
    print(f"{time.strftime('%H:%M:%S')} faults: {message}", flush=True)


def up_py(*arguments):
    subprocess.run(
        [sys.executable, str(ROOT / "ops" / "up.py"), *arguments],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def port_open(port):
    with socket.socket() as connection:
        connection.settimeout(0.5)
        return connection.connect_ex(("127.0.0.1", int(port))) == 0


def wait_until(check, timeout=60, interval=0.2):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True


def web1(values):
    start = time.time()
    up_py("stop", "web1", "--timeout", str(WEB_GRACE_SECONDS))
    stopped = time.time()
    time.sleep(WEB_DOWN_SECONDS)
    up_py("start", "web1")
    wait_until(lambda: port_open(values["UP_WEB1_PORT"]))
    return {"start": start, "stopped": stopped, "end": time.time()}


def _mail_sending(connection):
    """The id of an outbox mail the worker holds right now (claimed, not yet sent)."""
    row = connection.execute(
        "SELECT id FROM core_outboxmail WHERE status = 'sending' LIMIT 1"
    ).fetchone()
    return row[0] if row else None


def _worker_ready(values):
    result = subprocess.run(
        [str(up.VENV_BIN / "celery"), "-A", "portal", "inspect", "ping", "--timeout", "1"],
        cwd=ROOT,
        env=up.environment(values),
        capture_output=True,
        text=True,
    )
    return result.returncode == 0


def _worker_tree():
    """The worker's main process (ops/up.py's child "worker") and its pool's processes."""
    pid = up._child("worker")
    processes = up._processes()
    tree, todo = [], [pid] if pid else []
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(child for child, (parent, _rss) in processes.items() if parent == current)
    return tree


def worker(values):
    """KILL the worker mid-send: its processes are found first, then the outbox is
    watched (every 2 ms, up to 30 s) until the worker holds a mail it claimed and has
    not marked sent, and every process of it gets SIGKILL at once (as `up.py kill`
    does to the main one; its keeper starts it again)."""
    import psycopg

    tree = _worker_tree()
    held = []
    connection = psycopg.connect(values["DATABASE_URL"], autocommit=True)

    def holds_a_mail():
        held[:] = [_mail_sending(connection)]
        return held[0] is not None

    busy = wait_until(holds_a_mail, timeout=30, interval=0.002)
    start = time.time()
    for pid in reversed(tree):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    # Whether the kill landed before the worker marked that mail sent: then the row is
    # still 'sending' and waits out its lease (truly mid-send).
    status = None
    if busy:
        row = connection.execute(
            "SELECT status FROM core_outboxmail WHERE id = %s", [held[0]]
        ).fetchone()
        status = row[0] if row else None
    connection.close()
    wait_until(lambda: _worker_ready(values), timeout=60)
    return {
        "start": start,
        "end": time.time(),
        "killed_mid_task": busy and status == "sending",
        "held_mail": held[0] if busy else None,
        "held_mail_status_after_kill": status,
    }


def smtp(values):
    start = time.time()
    up_py("stop", "smtp")
    time.sleep(SMTP_DOWN_SECONDS)
    up_py("start", "smtp")
    wait_until(lambda: port_open(values["UP_SMTP_PORT"]))
    return {"start": start, "end": time.time()}


def redis(values):
    start = time.time()
    up_py("stop", "redis")
    time.sleep(REDIS_DOWN_SECONDS)
    up_py("start", "redis")
    wait_until(lambda: port_open(values["UP_REDIS_PORT"]))
    return {"start": start, "end": time.time()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--only", default=",".join(FAULTS))
    parser.add_argument("--warmup", type=float, default=20)
    parser.add_argument("--gap", type=float, default=15)
    args = parser.parse_args()
    values = up.settings()
    names = [name for name in args.only.split(",") if name]
    unknown = set(names) - set(FAULTS)
    if unknown:
        parser.error(f"unknown faults: {', '.join(sorted(unknown))}")
    windows = []
    time.sleep(args.warmup)
    for number, name in enumerate(names):
        if number:
            time.sleep(args.gap)
        log(f"{name}: begins")
        window = {"fault": name, **globals()[name](values)}
        windows.append(window)
        args.output.write_text(json.dumps(windows, indent=2))
        log(f"{name}: over after {window['end'] - window['start']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
