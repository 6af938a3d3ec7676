#!/usr/bin/env python3
"""The production shape on this machine: `make up`, `make down` and their helpers.

    python3 ops/up.py up             start everything (honcho in the background), run the
                                     release step once, wait until the portal answers
    python3 ops/up.py down           stop everything (TERM, wait, KILL); safe to run twice
    python3 ops/up.py status         which processes run
    python3 ops/up.py stop NAME      stop one process (e.g. smtp, web1, worker) and keep it
                                     stopped; the others go on
    python3 ops/up.py start NAME     start it again
    python3 ops/up.py kill NAME      SIGKILL one process, which is started again at once
                                     (a crash)
    python3 ops/up.py mail           list the mails the SMTP server received
    python3 ops/up.py manage [--standin] ARGS...
                                     manage.py with the shape's settings (the portal's, or
                                     the stand-in's)

The processes are in ops/Procfile, their settings in ops/up.env, all state (databases,
Redis, object store, mails, logs, keys) in var/up/, so that it survives `down` and `up`.
Honcho stops every process as soon as one exits; each process therefore runs under
`up.py keep NAME`, which restarts it when it crashes and lets an operator stop it alone.
Only the standard library: it runs before and outside the virtualenv.
"""

import argparse
import email
import email.header
import json
import mailbox
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
ENV_FILE = ROOT / "ops" / "up.env"
PROCFILE = ROOT / "ops" / "Procfile"
STANDIN_PREFIX = "STANDIN__"
STOP_TIMEOUT_SECONDS = 30
READY_TIMEOUT_SECONDS = 120
POSTGRES_DATABASES = ("kmo", "kmo_standin")
RESTART_DELAY_SECONDS = 1
# `make down`: the processes that serve and work, then what they use (ops/Procfile).
DOWN_FIRST = ("nginx", "web1", "web2", "standin", "worker", "beat")
DOWN_THEN = ("smtp", "s3", "redis", "postgres")


def up_dir():
    return Path(os.environ.get("UP_DIR", ROOT / "var" / "up")).resolve()


def run_dir():
    return up_dir() / "run"


def _secret(path, length=50):
    """A random value kept in `path`, made the first time."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(length))
        path.chmod(0o600)
    return path.read_text().strip()


def settings():
    """The variables of ops/up.env, expanded, with the computed UP_* values; then those of
    the file UP_ENV_FILE names, if any (the same format; e.g. a load test's limits)."""
    base = up_dir()
    values = {
        "UP_ROOT": str(ROOT),
        "UP_DIR": str(base),
        "UP_RUN_DIR": str(base / "run"),
        "UP_SECRET_KEY": _secret(base / "secret-key"),
        "UP_STANDIN_SECRET_KEY": _secret(base / "standin-secret-key"),
        "UP_S3_ACCESS_KEY": _secret(base / "s3-access-key", 15),
        "UP_S3_SECRET_KEY": _secret(base / "s3-secret-key", 30),
    }
    files = [
        ENV_FILE,
        *([Path(os.environ["UP_ENV_FILE"])] if os.environ.get("UP_ENV_FILE") else []),
    ]
    lines = [
        (path, number, line)
        for path in files
        for number, line in enumerate(path.read_text().splitlines(), start=1)
    ]
    for path, number, line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, separator, value = line.partition("=")
        if not separator or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            sys.exit(f"{path}:{number}: expected KEY=VALUE")

        def expand(match, path=path, number=number):
            name = match.group(1)
            if name not in values:
                sys.exit(f"{path}:{number}: ${{{name}}} is not defined above")
            return values[name]

        value = re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", expand, value)
        if key.startswith("UP_") and key in os.environ:
            value = os.environ[key]
        values[key] = value
    return values


def environment(values, *, standin=False):
    """The environment of a process of the shape: the portal's, or the stand-in's."""
    env = {**os.environ, **values, "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '')}"}
    if standin:
        env.update(
            {
                key[len(STANDIN_PREFIX) :]: value
                for key, value in env.items()
                if key.startswith(STANDIN_PREFIX)
            }
        )
    return env


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _read_pid(path, expect):
    """The pid in `path` if that process still runs and its command line has `expect`."""
    try:
        pid = int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pid if _alive(pid) and expect in _cmdline(pid) else None


def _wait_gone(pids, timeout):
    deadline = time.monotonic() + timeout
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [pid for pid in pids if _alive(pid)]


def _port_open(port):
    with socket.socket() as connection:
        connection.settimeout(0.5)
        return connection.connect_ex(("127.0.0.1", int(port))) == 0


def _http_ok(url, host=None):
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _wait_for(what, check, timeout):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer within {timeout} s")
        time.sleep(0.2)


def _render(template, values, names):
    text = template.read_text()
    for name in names:
        text = text.replace("${" + name + "}", values[name])
    return text


# --- up ------------------------------------------------------------------------------


def _prepare(values):
    base = up_dir()
    for name in ("redis", "weed", "mail", "log", "run", "nginx/tmp"):
        (base / name).mkdir(parents=True, exist_ok=True)
    for name in ("cur", "new", "tmp"):
        (base / "mail" / name).mkdir(exist_ok=True)
    # SeaweedFS' S3 identities: the portal's access key, allowed everything on its bucket.
    identity = {
        "name": "portal",
        "credentials": [
            {"accessKey": values["UP_S3_ACCESS_KEY"], "secretKey": values["UP_S3_SECRET_KEY"]}
        ],
        "actions": ["Admin", "Read", "List", "Tagging", "Write"],
    }
    (base / "s3.json").write_text(json.dumps({"identities": [identity]}))
    (base / "s3.json").chmod(0o600)
    nginx = {
        **values,
        "PORTAL_UPSTREAM_1": f"127.0.0.1:{values['UP_WEB1_PORT']}",
        "PORTAL_UPSTREAM_2": f"127.0.0.1:{values['UP_WEB2_PORT']}",
        "NGINX_LISTEN": f"127.0.0.1:{values['UP_NGINX_PORT']}",
        "NGINX_CLIENT_MAX_BODY_SIZE": str(int(values["REGISTRATION_UPLOAD_MAX_BYTES"]) + 2**20),
        # As root, nginx's workers run as www-data: they write request bodies to tmp/.
        "NGINX_USER": "user www-data;" if os.getuid() == 0 else "",
    }
    (base / "nginx" / "portal.conf").write_text(
        _render(
            ROOT / "ops" / "nginx" / "portal.conf.template",
            nginx,
            [
                "PORTAL_UPSTREAM_1",
                "PORTAL_UPSTREAM_2",
                "NGINX_LISTEN",
                "NGINX_CLIENT_MAX_BODY_SIZE",
            ],
        )
    )
    (base / "nginx" / "nginx.conf").write_text(
        _render(ROOT / "ops" / "nginx" / "nginx-up.conf.template", nginx, ["UP_DIR", "NGINX_USER"])
    )
    if os.getuid() == 0:
        shutil.chown(base / "nginx" / "tmp", user="www-data")
    for stale in (base / "run").glob("*"):
        stale.unlink()


def _manage(values, *args, standin=False, log=None):
    subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=environment(values, standin=standin),
        check=True,
        stdout=log,
        stderr=subprocess.STDOUT if log else None,
    )


def _create_databases(values):
    psql = ["psql", "-h", "127.0.0.1", "-p", values["UP_POSTGRES_PORT"], "-U", "postgres", "-tA"]
    for database in POSTGRES_DATABASES:
        exists = subprocess.run(
            [*psql, "-c", f"SELECT 1 FROM pg_database WHERE datname = '{database}'"],  # noqa: S608
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not exists:
            subprocess.run([*psql, "-q", "-c", f'CREATE DATABASE "{database}"'], check=True)


def release(values):
    """The release step, once, before any app server starts: the stand-in's database and
    client first (while the object storage is still starting), then ops/release.sh for the
    portal (migrations, cache table, static files, messages, bucket), then the demo data on
    the first start."""
    base = up_dir()
    first_start = not (base / "demo-loaded").exists()
    portal = f"http://127.0.0.1:{values['UP_NGINX_PORT']}"
    with open(base / "log" / "release.log", "a") as log:
        log.write(f"--- release {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        log.flush()
        # One process for the stand-in's steps: each Django start costs seconds.
        steps = [
            ("migrate", "--noinput"),
            ("createcachetable",),
            *([("standin_load_demo",)] if first_start else []),
            (
                "standin_register_client",
                f"--redirect-uri={portal}/oidc/callback/",
                f"--post-logout-uri={portal}/",
                f"--client-id={values['OIDC_RP_CLIENT_ID']}",
                f"--client-secret={values['OIDC_RP_CLIENT_SECRET']}",
            ),
        ]
        script = (
            "import django, sys; django.setup(); "
            "from django.core.management import call_command; "
            f"[call_command(*step) for step in {steps!r}]"
        )
        subprocess.run(
            [str(VENV_BIN / "python"), "-c", script],
            cwd=ROOT,
            env={**environment(values, standin=True), "DJANGO_SETTINGS_MODULE": "portal.settings"},
            check=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        _wait_for("SeaweedFS S3", lambda: _port_open(values["UP_S3_PORT"]), 60)
        subprocess.run(
            ["ops/release.sh"],
            cwd=ROOT,
            env={**environment(values), "RELEASE_BUILD_STEPS": "true"},
            check=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        if first_start:
            _manage(values, "load_demo_data", "--force", log=log)
            (base / "demo-loaded").touch()


def cmd_up(args):
    started = time.monotonic()
    base = up_dir()
    values = settings()
    honcho_pid = _read_pid(base / "run" / "honcho.pid", "honcho")
    if honcho_pid:
        print(f"Already running (honcho pid {honcho_pid}); `make down` stops it.")
        _print_addresses(values)
        return 0
    ports = [name for name in values if name.startswith("UP_") and name.endswith("_PORT")]
    busy = [f"{name}={values[name]}" for name in ports if _port_open(values[name])]
    if busy:
        print(
            f"Ports in use: {', '.join(busy)}. Stop what uses them or choose others (ops/up.env)."
        )
        return 1
    if socket.gethostbyname("localhost") != "127.0.0.1":
        print("WARNING: 'localhost' does not resolve to 127.0.0.1; the stand-in needs it.")
    _prepare(values)
    # Honcho writes to the log for as long as it runs: the file stays open in it.
    log = open(base / "log" / "honcho.log", "a")  # noqa: SIM115
    honcho = subprocess.Popen(
        [
            str(VENV_BIN / "honcho"),
            "-f",
            str(PROCFILE),
            "-d",
            str(ROOT),
            "-e",
            "/dev/null",
            "start",
        ],
        cwd=ROOT,
        env=environment(values),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    (base / "run" / "honcho.pid").write_text(str(honcho.pid))
    print(f"Starting (honcho pid {honcho.pid}, logs in {base / 'log'}) ...", flush=True)
    try:
        postgres = ["pg_isready", "-q", "-h", "127.0.0.1", "-p", values["UP_POSTGRES_PORT"]]
        _wait_for("PostgreSQL", lambda: subprocess.run(postgres).returncode == 0, 60)
        _wait_for("Redis", lambda: _port_open(values["UP_REDIS_PORT"]), 30)
        _create_databases(values)
        print(f"  services up after {time.monotonic() - started:.1f} s", flush=True)
        release(values)
        (base / "run" / "released").touch()
        print(f"  released after {time.monotonic() - started:.1f} s", flush=True)
        portal = f"http://127.0.0.1:{values['UP_NGINX_PORT']}"
        standin = f"http://127.0.0.1:{values['UP_STANDIN_PORT']}"
        # The app servers directly first, nginx after: a probe through nginx while they
        # are still starting counts as their failure in nginx (max_fails), which would
        # then refuse the first visitors' requests ("no live upstreams").
        for port in (values["UP_WEB1_PORT"], values["UP_WEB2_PORT"]):
            url = f"http://127.0.0.1:{port}{values['UP_READY_PATH']}"
            _wait_for(url, lambda url=url: _http_ok(url), READY_TIMEOUT_SECONDS)
        for url in (f"{portal}{values['UP_READY_PATH']}",):
            _wait_for(url, lambda url=url: _http_ok(url), READY_TIMEOUT_SECONDS)
        discovery = f"{standin}/standin/op/.well-known/openid-configuration"
        _wait_for("the stand-in", lambda: _http_ok(discovery, host="localhost"), 60)
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"make up failed: {error}. The end of the logs:", file=sys.stderr)
        for name in ("release.log", "honcho.log"):
            path = base / "log" / name
            if path.exists():
                print(f"--- {path}", file=sys.stderr)
                print("\n".join(path.read_text().splitlines()[-40:]), file=sys.stderr)
        cmd_down(args)
        return 1
    print(f"Up in {time.monotonic() - started:.1f} s.")
    _print_addresses(values)
    return 0


def _print_addresses(values):
    portal = f"http://127.0.0.1:{values['UP_NGINX_PORT']}"
    print(
        f"  Portal          {portal}/  (nginx; app servers 127.0.0.1:{values['UP_WEB1_PORT']} "
        f"and :{values['UP_WEB2_PORT']})\n"
        f"  Admin           {portal}/admin/  admin / admin (demo data; also medewerker, auditor)\n"
        f"  ACM/IDM         http://localhost:{values['UP_STANDIN_PORT']}/standin/  "
        "(stand-in: sign in as a demo person)\n"
        f"  Mailbox         make mail  (SMTP 127.0.0.1:{values['UP_SMTP_PORT']}; "
        f"or mutt -f {up_dir() / 'mail'})\n"
        f"  Object storage  http://127.0.0.1:{values['UP_S3_PORT']} (S3)\n"
        f"  Logs            make logs  ({up_dir() / 'log'})\n"
        "  Stop            make down  (one process: python3 ops/up.py stop|start NAME)"
    )


# --- down ----------------------------------------------------------------------------


def cmd_down(args):
    base = up_dir()
    run = base / "run"
    honcho = _read_pid(run / "honcho.pid", "honcho")
    if honcho:
        print(f"Stopping (honcho pid {honcho}) ...", flush=True)
        # In order, each group at once, with time to finish (honcho alone would KILL
        # whatever has not stopped 5 s after its TERM): what serves and works first, then
        # what they use.
        for group in (DOWN_FIRST, DOWN_THEN):
            _stop_processes(group, STOP_TIMEOUT_SECONDS)
        os.kill(honcho, signal.SIGTERM)
        if _wait_gone([honcho], STOP_TIMEOUT_SECONDS):
            os.killpg(honcho, signal.SIGKILL)
            _wait_gone([honcho], 5)
    # What honcho could not stop (it KILLs the keepers after 5 s; their children may
    # outlive them): each keeper's process group, then PostgreSQL itself.
    leftovers = [pid for path in run.glob("*.keep.pid") if (pid := _read_pid(path, "up.py keep"))]
    leftovers += [pid for path in run.glob("*.child.pid") if (pid := _read_pid(path, ""))]
    for pid in leftovers:
        os.kill(pid, signal.SIGTERM)
    for pid in _wait_gone(leftovers, 10):
        os.kill(pid, signal.SIGKILL)
    postmaster = _read_pid(base / "postgres" / "postmaster.pid", "postgres")
    if postmaster:
        os.kill(postmaster, signal.SIGINT)
        if _wait_gone([postmaster], STOP_TIMEOUT_SECONDS):
            os.kill(postmaster, signal.SIGKILL)
    if run.exists():
        for path in run.glob("*"):
            path.unlink()
    print("Stopped." if honcho or leftovers or postmaster else "Not running.")
    return 0


# --- keep: one process under honcho ---------------------------------------------------


def cmd_keep(args):
    """Run `command`; start it again when it exits, unless an operator stopped it
    (`up.py stop NAME`: then wait until `up.py start NAME`). Honcho's TERM ends both."""
    run = run_dir()
    name = args.name
    stopped = run / f"{name}.stopped"
    child_pid = run / f"{name}.child.pid"
    env = environment({}, standin=args.standin)
    stop_signal = getattr(signal, "SIG" + os.environ.get("KEEP_STOP_SIGNAL", "TERM"))
    state = {"child": None, "stopping": False}

    def on_signal(signum, frame):
        state["stopping"] = True
        child = state["child"]
        if child is not None and child.poll() is None:
            child.send_signal(stop_signal)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    (run / f"{name}.keep.pid").write_text(str(os.getpid()))
    waiting_said = False
    while not state["stopping"]:
        if stopped.exists() or (args.after_release and not (run / "released").exists()):
            if not waiting_said and stopped.exists():
                print(f"{name}: stopped (python3 ops/up.py start {name} starts it)", flush=True)
            waiting_said = True
            time.sleep(0.2)
            continue
        waiting_said = False
        state["child"] = child = subprocess.Popen(args.argv, env=env)
        child_pid.write_text(str(child.pid))
        returncode = child.wait()
        child_pid.unlink(missing_ok=True)
        if state["stopping"]:
            break
        if not stopped.exists():
            print(f"{name}: exited ({returncode}), starting again", flush=True)
            time.sleep(RESTART_DELAY_SECONDS)
    return 0


# --- one process: stop, start, kill, status ------------------------------------------


def _child(name):
    return _read_pid(run_dir() / f"{name}.child.pid", "")


def _stop_processes(names, timeout):
    """Mark `names` stopped and signal them all (PostgreSQL: a fast shutdown); KILL
    whatever still runs after `timeout` seconds."""
    run = run_dir()
    pids = []
    for name in names:
        if _read_pid(run / f"{name}.keep.pid", "up.py keep"):
            (run / f"{name}.stopped").touch()
        pid = _child(name)
        if pid:
            os.kill(pid, signal.SIGINT if name == "postgres" else signal.SIGTERM)
            pids.append(pid)
    for pid in _wait_gone(pids, timeout):
        os.kill(pid, signal.SIGKILL)
    _wait_gone(pids, 5)


def cmd_stop(args):
    if not _read_pid(run_dir() / f"{args.name}.keep.pid", "up.py keep"):
        print(f"No process {args.name} (python3 ops/up.py status).")
        return 1
    _stop_processes([args.name], args.timeout)
    print(f"{args.name} stopped.")
    return 0


def cmd_start(args):
    run = run_dir()
    if not _read_pid(run / f"{args.name}.keep.pid", "up.py keep"):
        print(f"No process {args.name} (python3 ops/up.py status).")
        return 1
    (run / f"{args.name}.stopped").unlink(missing_ok=True)
    _wait_for(args.name, lambda: _child(args.name), 10)
    print(f"{args.name} started (pid {_child(args.name)}).")
    return 0


def cmd_kill(args):
    pid = _child(args.name)
    if not pid:
        print(f"{args.name} is not running.")
        return 1
    os.kill(pid, signal.SIGKILL)
    print(f"{args.name} (pid {pid}) killed; it starts again in {RESTART_DELAY_SECONDS} s.")
    return 0


def _processes():
    """{pid: (parent pid, resident memory in KiB)} of every process."""
    processes = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError):
            continue
        rss = re.search(r"^VmRSS:\s+(\d+)", status, re.MULTILINE)
        processes[int(stat.parent.name)] = (int(fields[1]), int(rss.group(1)) if rss else 0)
    return processes


def _tree_rss(pid, processes):
    """Resident memory (KiB) of `pid` and all its descendants (shared pages counted in
    each process: an upper bound)."""
    children = {}
    for child, (parent, _rss) in processes.items():
        children.setdefault(parent, []).append(child)
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += processes.get(current, (0, 0))[1]
        todo.extend(children.get(current, []))
    return total


def cmd_status(args):
    run = run_dir()
    honcho = _read_pid(run / "honcho.pid", "honcho")
    if not honcho:
        print("Not running.")
        return 1
    processes = _processes()
    print(f"{'process':<10}{'state':<14}memory (RSS, with its children)")
    for keeper in sorted(run.glob("*.keep.pid")):
        name = keeper.name.removesuffix(".keep.pid")
        pid = _child(name)
        stopped = (run / f"{name}.stopped").exists()
        state = f"pid {pid}" if pid else "stopped" if stopped else "waiting"
        memory = f"{_tree_rss(pid, processes) / 1024:.0f} MiB" if pid else ""
        print(f"{name:<10}{state:<14}{memory}")
    total = _tree_rss(honcho, processes) / 1024
    print(f"{'total':<10}{'':<14}{total:.0f} MiB (with honcho and the keepers)")
    return 0


# --- mail ----------------------------------------------------------------------------


def _header(message, name):
    return str(email.header.make_header(email.header.decode_header(message.get(name, ""))))


def cmd_mail(args):
    maildir = mailbox.Maildir(up_dir() / "mail", create=False)
    messages = sorted(maildir, key=lambda message: message.get_date())
    for message in messages:
        date = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(message.get_date()))
        print(f"{date}  {_header(message, 'To')[:40]:<40}  {_header(message, 'Subject')}")
    maildir_path = up_dir() / "mail"
    print(f"{len(messages)} mails in {maildir_path} (read them with: mutt -f {maildir_path})")
    return 0


def cmd_manage(args):
    env = environment(settings(), standin=args.standin)
    return subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", *args.arguments], cwd=ROOT, env=env
    ).returncode


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up").set_defaults(handler=cmd_up)
    commands.add_parser("down").set_defaults(handler=cmd_down)
    commands.add_parser("status").set_defaults(handler=cmd_status)
    commands.add_parser("mail").set_defaults(handler=cmd_mail)
    for name, handler in (("stop", cmd_stop), ("start", cmd_start), ("kill", cmd_kill)):
        command = commands.add_parser(name)
        command.add_argument("name")
        command.set_defaults(handler=handler)
        if name == "stop":
            command.add_argument("--timeout", type=float, default=STOP_TIMEOUT_SECONDS)
    keep = commands.add_parser("keep")
    keep.add_argument("--after-release", action="store_true")
    keep.add_argument("--standin", action="store_true")
    keep.add_argument("name")
    keep.add_argument("argv", nargs=argparse.REMAINDER)
    keep.set_defaults(handler=cmd_keep)
    manage = commands.add_parser("manage")
    manage.add_argument("--standin", action="store_true")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=cmd_manage)
    args = parser.parse_args()
    for name in ("argv", "arguments"):
        if (getattr(args, name, None) or [])[:1] == ["--"]:
            setattr(args, name, getattr(args, name)[1:])
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
