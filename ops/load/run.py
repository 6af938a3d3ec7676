"""The load test with faults, and its accounting (`make load`).

    python ops/load/run.py [--users 50] [--duration 240] [--faults web1,worker,smtp,redis]
                           [--spawn-rate 5] [--warmup 20] [--gap 15] [--drain 240]
                           [--markdown docs-snippet.md]

1. Uses the running `make up` (the UP_* variables choose which, as for ops/up.py), or
   starts one with ops/load/up-load.env (UP_ENV_FILE): the search's and sign-in's
   per-address rate limits raised, as every simulated person comes from 127.0.0.1.
2. Seeds the load test's identities on both sides (demo.loadtest): the portal with
   `load_test_seed` (benchmarks/, BENCHMARKS_ENABLED=true), the stand-in with
   `standin_load_test_seed`; writes the search vocabulary from the reference data.
3. Runs locust headless (ops/load/locustfile.py) against nginx for --duration seconds
   and ops/load/faults.py next to it.
4. Waits until the outbox is drained (no mail queued or sending; a mail the killed
   worker held waits out its lease, 5 minutes, first), then accounts:
   every change the users saved is in the database, every outbox mail was delivered
   exactly once (the SMTP server's mailbox against the outbox's Message-IDs), every
   uploaded audit report is readable, with the same bytes, through app server 1 and
   app server 2 directly (signed in, bypassing nginx).
5. Reports requests, p50/p95/p99 per request kind (locust's CSV), failures per fault
   window and the accounting, as Markdown: printed and written to var/load/<run>/report.md.

Exits 1 when a target is missed (p95 over the run > 300 ms, a failure outside the
fault windows, a failed GET while app server 1 is stopped, anything lost).
"""

import argparse
import csv
import hashlib
import json
import mailbox
import os
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urljoin

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "ops"))
import up  # noqa: E402  (ops/up.py)
from smoke import form_with  # noqa: E402  (ops/smoke.py)

from demo import loadtest  # noqa: E402

P95_TARGET_MS = 300
# A request that started just before a window opened may fail inside it, and nginx
# keeps an app server it saw fail out of rotation for fail_timeout (10 s): a failure up
# to this long after a window closes still counts to it (the report says so).
WINDOW_TAIL_SECONDS = 5
# The outbox (portal/settings.py): a mail held by a killed worker is sent again after
# its lease, by the next of beat's sweeps (every minute).
DEFAULT_LEASE_SECONDS = 300
SWEEP_SECONDS = 60
RAISED_RATE_LIMIT = "100000/m"  # as in ops/load/up-load.env
LOAD_ENV_FILE = ROOT / "ops" / "load" / "up-load.env"
TIMEOUT = 30


def log(message):
    print(f"{time.strftime('%H:%M:%S')} load: {message}", flush=True)


def up_py(*arguments, env=None):
    return subprocess.run(
        [sys.executable, str(ROOT / "ops" / "up.py"), *arguments],
        cwd=ROOT,
        env=env,
        check=True,
    )


def _rate_limit_of_web1():
    """DIRECTORY_RATE_LIMIT in the environment of the running app server 1, or None."""
    pid = up._child("web1")
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except (OSError, TypeError):
        return None
    for item in environ:
        key, _separator, value = item.decode(errors="replace").partition("=")
        if key == "DIRECTORY_RATE_LIMIT":
            return value
    return None


def ensure_up():
    """Start the shape with the load test's limits, or check that the running one has
    them. Returns whether it was running already."""
    running = up._read_pid(up.run_dir() / "honcho.pid", "honcho") is not None
    if not running:
        log(f"make up with UP_ENV_FILE={LOAD_ENV_FILE.relative_to(ROOT)}")
        up_py("up", env={**os.environ, "UP_ENV_FILE": str(LOAD_ENV_FILE)})
    elif _rate_limit_of_web1() != RAISED_RATE_LIMIT:
        sys.exit(
            "The running make up has the per-address rate limits of ops/up.env: every "
            "simulated person comes from 127.0.0.1 and would be refused. `make down`, then "
            "`make load` starts it with ops/load/up-load.env (or: UP_ENV_FILE="
            f"{LOAD_ENV_FILE.relative_to(ROOT)} make up)."
        )
    return running


def seed():
    env = {**os.environ, "BENCHMARKS_ENABLED": "true"}
    up_py("manage", "load_test_seed", env=env)
    up_py("manage", "--standin", "standin_load_test_seed")


def vocabulary(values, path):
    """Words and places of the reference data that people search for, and the public
    providers' ids."""
    words = set()
    with psycopg.connect(values["DATABASE_URL"]) as connection:
        rows = connection.execute("SELECT name, slug FROM providers_vakgebied").fetchall()
        vakgebieden = [slug for _name, slug in rows]
        for name, _slug in rows:
            words.update(re.findall(r"[^\W\d_]{4,}", name.lower()))
        for (text,) in connection.execute(
            "SELECT name || ' ' || description FROM providers_serviceprovider"
        ):
            words.update(re.findall(r"[^\W\d_]{5,}", text.lower()))
        places = [
            f"{postcode} {municipality}"
            for postcode, municipality in connection.execute(
                "SELECT postcode, municipality_nl FROM organisations_postcode"
            )
        ]
        providers = [
            pk
            for (pk,) in connection.execute(
                "SELECT DISTINCT service_provider_id FROM registrations_registration "
                "WHERE status = 'approved' AND valid_from <= CURRENT_DATE "
                "AND valid_until >= CURRENT_DATE"
            )
        ]
    data = {
        "words": sorted(words),
        "places": sorted(places),
        "vakgebieden": sorted(vakgebieden),
        "providers": sorted(providers),
    }
    path.write_text(json.dumps(data))
    return data


# --- Accounting -----------------------------------------------------------------------


def read_jsonl(path):
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def outbox_counts(values):
    with psycopg.connect(values["DATABASE_URL"]) as connection:
        return dict(
            connection.execute(
                "SELECT status, count(*) FROM core_outboxmail GROUP BY 1"
            ).fetchall()
        )


def drain(values, timeout):
    """Wait until no mail is queued or sending (the worker's retries, beat's sweep)."""
    started = time.monotonic()
    while True:
        counts = outbox_counts(values)
        waiting = counts.get("queued", 0) + counts.get("sending", 0)
        if not waiting or time.monotonic() - started > timeout:
            return time.monotonic() - started, counts
        time.sleep(2)


def account_changes(values, saved):
    problems, checked = [], Counter()
    last_name = {}
    saves = []
    ibans = []
    projects = []
    for item in sorted(saved, key=lambda item: item["time"]):
        if item["kind"] == "company":
            last_name[item["provider"]] = item["contact_last_name"]
            saves.append((item["provider"], item["contact_last_name"]))
            if item.get("iban"):
                ibans.append((item["provider"], item["iban"]))
        elif item["kind"] == "application":
            projects.append(item)
    with psycopg.connect(values["DATABASE_URL"]) as connection:
        for provider, name in last_name.items():
            row = connection.execute(
                "SELECT contact_last_name FROM providers_serviceprovider WHERE id = %s",
                [provider],
            ).fetchone()
            checked["providers' company data (last save each)"] += 1
            if row is None or row[0] != name:
                problems.append(f"provider {provider}: contact name {row} is not the saved {name}")
        # Every save, not only the last: each is a version in the provider's history.
        for provider, name in saves:
            row = connection.execute(
                "SELECT count(*) FROM providers_historicalserviceprovider "
                "WHERE id = %s AND contact_last_name = %s",
                [provider, name],
            ).fetchone()
            checked["company data saves (each in the provider's history)"] += 1
            if not row[0]:
                problems.append(f"provider {provider}: the save of {name} is not in its history")
        for provider, iban in ibans:
            row = connection.execute(
                "SELECT count(*) FROM providers_bankaccountchange "
                "WHERE service_provider_id = %s AND new_iban = %s",
                [provider, iban],
            ).fetchone()
            checked["bank-account changes"] += 1
            if not row[0]:
                problems.append(f"provider {provider}: no bank-account change for a saved IBAN")
        for item in projects:
            row = connection.execute(
                "SELECT o.kbo_number, p.amount_excl_vat FROM projects_project p "
                "JOIN organisations_organisation o ON o.id = p.client_id WHERE p.id = %s",
                [item["project"]],
            ).fetchone()
            checked["applications"] += 1
            if row is None or row[0] != item["sme"] or int(row[1]) != item["amount"]:
                problems.append(f"application {item['project']}: {row} is not what was filed")
    return checked, problems


def account_mail(values, started):
    """Every outbox row sent, and each sent mail exactly once in the mailbox."""
    problems = []
    with psycopg.connect(values["DATABASE_URL"]) as connection:
        rows = connection.execute("SELECT message_id, status FROM core_outboxmail").fetchall()
        # This run's mails: how many took more than one attempt (the SMTP outage, the
        # killed worker), and the most attempts one needed.
        run_mails, retried, most = connection.execute(
            "SELECT count(*), count(*) FILTER (WHERE attempts > 1), coalesce(max(attempts), 0) "
            "FROM core_outboxmail WHERE created_at >= to_timestamp(%s)",
            [started],
        ).fetchone()
    mails = mailbox.Maildir(Path(values["UP_DIR"]) / "mail", create=False)
    received = Counter(message["Message-ID"] for message in mails)
    statuses = Counter(status for _id, status in rows)
    for message_id, status in rows:
        if status != "sent":
            problems.append(f"outbox mail {message_id}: {status}")
        elif received[message_id] != 1:
            problems.append(
                f"outbox mail {message_id}: {received[message_id]} times in the mailbox"
            )
    outbox_ids = {message_id for message_id, _status in rows}
    strangers = [message_id for message_id in received if message_id not in outbox_ids]
    if strangers:
        problems.append(f"{len(strangers)} mails in the mailbox without an outbox row")
    duplicates = sum(1 for count in received.values() if count > 1)
    return {
        "outbox": dict(statuses),
        "mailbox": sum(received.values()),
        "duplicates": duplicates,
        "run_mails": run_mails,
        "retried": retried,
        "most_attempts": most,
    }, problems


def sign_in(values, identity):
    """A session signed in as `identity` through nginx and the stand-in; cookies are per
    host name, so it is signed in at both app servers (127.0.0.1, other ports) too."""
    portal = f"http://127.0.0.1:{values['UP_NGINX_PORT']}"
    session = requests.Session()
    response = session.get(f"{portal}/oidc/authenticate/", timeout=TIMEOUT)
    link = re.search(r'href="([^"]*/aanmelden/itsme/[^"]*)"', response.text)
    response = session.get(urljoin(response.url, link.group(1).replace("&amp;", "&")))
    form = form_with(response, "national_number")
    data = {**form.values(), "national_number": identity.national_number}
    response = session.post(urljoin(response.url, form.action or response.url), data=data)
    if "Afmelden" not in response.text:
        raise RuntimeError(f"could not sign in as load-test provider {identity.index}")
    return session


def account_files(values, saved):
    uploads = [item for item in saved if item["kind"] == "upload"]
    providers = loadtest.providers()
    problems, readable = [], 0
    by_provider = defaultdict(list)
    for item in uploads:
        by_provider[item["provider_index"]].append(item)
    for index, items in by_provider.items():
        session = sign_in(values, providers[index])
        for item in items:
            for port in (values["UP_WEB1_PORT"], values["UP_WEB2_PORT"]):
                url = f"http://127.0.0.1:{port}{item['registration']}auditrapport/"
                response = session.get(url, timeout=TIMEOUT)
                digest = hashlib.sha256(response.content).hexdigest()
                if response.status_code != 200 or digest != item["sha256"]:
                    problems.append(
                        f"{item['registration']} through :{port}: HTTP {response.status_code}, "
                        f"{'same' if digest == item['sha256'] else 'other'} bytes"
                    )
                else:
                    readable += 1
    return len(uploads), readable, problems


# --- Report ---------------------------------------------------------------------------


def stats_rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def window_of(failure, windows):
    for window in windows:
        if window["start"] <= failure["time"] <= window["end"] + WINDOW_TAIL_SECONDS:
            return window["fault"]
    return None


def report(args, values, run_dir, started, ended, load_before, load_after, accounting):
    rows = stats_rows(run_dir / "locust_stats.csv")
    windows = json.loads((run_dir / "faults.json").read_text()) if args.faults else []
    failures = read_jsonl(run_dir / "failures.jsonl")
    total = next(row for row in rows if row["Name"] == "Aggregated")
    lines = [
        f"### Run {run_dir.name}",
        "",
        f"- {args.users} users (spawn rate {args.spawn_rate}/s) for {ended - started:.0f} s "
        f"against nginx at 127.0.0.1:{values['UP_NGINX_PORT']}; faults: {args.faults or 'none'}",
        f"- machine: {os.cpu_count()} cores, load average {load_before[0]:.2f} before and "
        f"{load_after[0]:.2f} / {load_after[1]:.2f} (1 / 5 min) after",
        f"- requests: {total['Request Count']}, failed: {total['Failure Count']}, "
        f"{float(total['Requests/s']):.1f} requests/s; "
        f"p50 {total['50%']} ms, p95 {total['95%']} ms, p99 {total['99%']} ms",
        "",
        "| request kind | method | requests | failed | p50 ms | p95 ms | p99 ms |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if row["Name"] == "Aggregated":
            continue
        lines.append(
            f"| {row['Name']} | {row['Type']} | {row['Request Count']} | {row['Failure Count']} "
            f"| {row['50%']} | {row['95%']} | {row['99%']} |"
        )
    lines.append(
        f"| **all** | | **{total['Request Count']}** | **{total['Failure Count']}** "
        f"| **{total['50%']}** | **{total['95%']}** | **{total['99%']}** |"
    )
    per_window = defaultdict(list)
    for failure in failures:
        per_window[window_of(failure, windows)].append(failure)
    lines += [
        "",
        f"Failures per fault window (a window runs from the fault's start until the process "
        f"answers again, plus {WINDOW_TAIL_SECONDS} s):",
        "",
        "| window | from | to | failed requests | of which GET | what failed |",
        "|---|---|---|---:|---:|---|",
    ]
    for window in [*windows, {"fault": None}]:
        found = per_window.get(window["fault"], [])
        kinds = Counter(
            f"{item['name']} ({item['status'] or item['error'][:60]})" for item in found
        )
        what = "; ".join(f"{count} x {kind}" for kind, count in kinds.most_common(4))
        if window["fault"] == "worker":
            if window.get("killed_mid_task"):
                what += f" (killed mid-send: mail {window['held_mail']} still 'sending' after it)"
            elif window.get("held_mail"):
                what += " (the mail it held was marked sent just before the kill landed)"
            else:
                what += " (no mail held at the moment of the kill)"
        if window.get("stopped"):
            what += f" (stopped {window['stopped'] - window['start']:.1f} s after TERM)"
        what = what.strip() or "–"
        if window["fault"]:
            span = (
                time.strftime("%H:%M:%S", time.localtime(window["start"])),
                time.strftime("%H:%M:%S", time.localtime(window["end"])),
            )
        else:
            span = ("outside", "the windows")
        gets = sum(1 for item in found if item["method"] == "GET")
        lines.append(
            f"| {window['fault'] or 'outside every window'} | {span[0]} | {span[1]} "
            f"| {len(found)} | {gets} | {what} |"
        )
    checked, change_problems, mail, mail_problems, files, file_problems, drained = accounting
    lines += [
        "",
        "Accounting after the run:",
        "",
        *[f"- {what}: {count} checked" for what, count in checked.items()],
        f"- this run's mails: {mail['run_mails']}, of which {mail['retried']} needed more "
        f"than one attempt (at most {mail['most_attempts']})",
        f"- outbox drained after {drained[0]:.0f} s; outbox rows by status: {mail['outbox']}; "
        f"mails in the mailbox: {mail['mailbox']}, Message-IDs received twice: "
        f"{mail['duplicates']}",
        f"- uploaded audit reports: {files[0]}, reads with the same bytes through app "
        f"server 1 and 2: {files[1]} of {2 * files[0]}",
    ]
    problems = change_problems + mail_problems + file_problems
    lines += [f"- LOST: {problem}" for problem in problems[:20]]
    outside = len(per_window.get(None, []))
    web_gets = sum(1 for item in per_window.get("web1", []) if item["method"] == "GET")
    p95 = float(total["95%"]) if total["95%"] != "N/A" else 0.0
    targets = [
        (f"p95 ≤ {P95_TARGET_MS} ms over the whole run", p95 <= P95_TARGET_MS, f"{p95:.0f} ms"),
        ("zero failed requests outside the fault windows", outside == 0, str(outside)),
        ("no failed GET while app server 1 is stopped", web_gets == 0, str(web_gets)),
        ("nothing lost", not problems, f"{len(problems)} problems"),
    ]
    lines += ["", "| target | met | measured |", "|---|---|---|"]
    lines += [f"| {name} | {'yes' if met else 'NO'} | {value} |" for name, met, value in targets]
    return "\n".join(lines) + "\n", all(met for _name, met, _value in targets)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--duration", type=int, default=240, help="seconds of load")
    parser.add_argument("--faults", default="web1,worker,smtp,redis", help="'' for none")
    parser.add_argument("--warmup", type=float, default=20)
    parser.add_argument("--gap", type=float, default=15)
    parser.add_argument(
        "--drain",
        type=float,
        default=None,
        help="seconds to wait for the outbox (default: the outbox's lease, after which a "
        "killed worker's mail is sent again, plus two of beat's sweeps)",
    )
    parser.add_argument("--down", action="store_true", help="make down afterwards")
    args = parser.parse_args()

    values = up.settings()
    was_running = ensure_up()
    run_id = time.strftime("%Y%m%d-%H%M%S")
    run_dir = ROOT / "var" / "load" / run_id
    run_dir.mkdir(parents=True)
    log(f"seeding; results in {run_dir}")
    seed()
    vocabulary(values, run_dir / "vocabulary.json")
    portal = f"http://127.0.0.1:{values['UP_NGINX_PORT']}"
    env = {
        **os.environ,
        "LOAD_PORTAL": portal,
        "LOAD_STANDIN": f"http://localhost:{values['UP_STANDIN_PORT']}",
        "LOAD_VOCABULARY": str(run_dir / "vocabulary.json"),
        "LOAD_RECORD": str(run_dir / "saved.jsonl"),
        "LOAD_FAILURES": str(run_dir / "failures.jsonl"),
        "LOAD_RUN_ID": run_id,
    }
    load_before = os.getloadavg()
    started = time.time()
    log(f"locust: {args.users} users for {args.duration} s; faults: {args.faults or 'none'}")
    locust = subprocess.Popen(
        [
            str(up.VENV_BIN / "locust"),
            "-f",
            str(ROOT / "ops" / "load" / "locustfile.py"),
            "--headless",
            "--users",
            str(args.users),
            "--spawn-rate",
            str(args.spawn_rate),
            "--run-time",
            f"{args.duration}s",
            "--stop-timeout",
            "30",
            "--host",
            portal,
            "--csv",
            str(run_dir / "locust"),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(run_dir / "locust.log", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    faults = None
    if args.faults:
        faults = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "ops" / "load" / "faults.py"),
                "--output",
                str(run_dir / "faults.json"),
                "--only",
                args.faults,
                "--warmup",
                str(args.warmup),
                "--gap",
                str(args.gap),
            ],
            cwd=ROOT,
        )
    locust.wait()
    ended = time.time()
    if faults is not None and faults.wait() != 0:
        log("faults.py failed")
    load_after = os.getloadavg()
    if args.drain is None:
        lease = int(values.get("MAIL_OUTBOX_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))
        args.drain = lease + 2 * SWEEP_SECONDS
    log(f"draining the outbox (at most {args.drain:.0f} s)")
    drained = drain(values, args.drain)
    log(f"accounting (outbox after {drained[0]:.0f} s: {drained[1]})")
    saved = read_jsonl(run_dir / "saved.jsonl")
    checked, change_problems = account_changes(values, saved)
    mail, mail_problems = account_mail(values, started)
    total, readable, file_problems = account_files(values, saved)
    markdown, met = report(
        args,
        values,
        run_dir,
        started,
        ended,
        load_before,
        load_after,
        (
            checked,
            change_problems,
            mail,
            mail_problems,
            (total, readable),
            file_problems,
            drained,
        ),
    )
    (run_dir / "report.md").write_text(markdown)
    print(markdown)
    log(f"report: {run_dir / 'report.md'}")
    if args.down and not was_running:
        up_py("down")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
