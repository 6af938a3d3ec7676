"""The load test's report (ops/load/run.py): failures matched to the fault windows and
the targets judged from locust's CSV, on made-up files (the load itself runs with
`make load`, docs/operations.md "Load and faults")."""

import argparse
import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
HEADER = "Type,Name,Request Count,Failure Count,Requests/s,50%,95%,99%\n"


@pytest.fixture
def run(monkeypatch, tmp_path):
    monkeypatch.setenv("UP_DIR", str(tmp_path / "up"))
    monkeypatch.syspath_prepend(str(ROOT / "ops"))
    spec = importlib.util.spec_from_file_location("load_run", ROOT / "ops" / "load" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("up", None)
    sys.modules.pop("smoke", None)


def write_run(directory, *, p95, failures, windows):
    directory.mkdir()
    (directory / "locust_stats.csv").write_text(
        HEADER
        + "GET,search,900,2,10.0,30,120,200\n"
        + f",Aggregated,1000,{len(failures)},11.0,30,{p95},400\n"
    )
    (directory / "faults.json").write_text(json.dumps(windows))
    (directory / "failures.jsonl").write_text(
        "".join(json.dumps(failure) + "\n" for failure in failures)
    )


def accounting(problems=()):
    mail = {"outbox": {"sent": 3}, "mailbox": 3, "duplicates": 0}
    mail.update(run_mails=3, retried=1, most_attempts=2)
    return ({"applications": 2}, list(problems), mail, [], (1, 2), [], (0.0, {}))


def report(run, directory, problems=()):
    args = argparse.Namespace(users=10, spawn_rate=5, faults="web1,redis")
    values = {"UP_NGINX_PORT": "8080"}
    return run.report(args, values, directory, 0, 240, (1, 1, 1), (1, 1, 1), accounting(problems))


WINDOWS = [
    {"fault": "web1", "start": 100.0, "stopped": 103.0, "end": 125.0},
    {"fault": "redis", "start": 150.0, "end": 180.0},
]


def failure(at, method="GET"):
    return {"time": at, "method": method, "name": "search", "status": 502, "error": "HTTP 502"}


def test_a_failure_counts_to_the_window_it_falls_in_or_just_after(run):
    assert run.window_of(failure(101), WINDOWS) == "web1"
    assert run.window_of(failure(125 + run.WINDOW_TAIL_SECONDS), WINDOWS) == "web1"
    assert run.window_of(failure(126 + run.WINDOW_TAIL_SECONDS), WINDOWS) is None
    assert run.window_of(failure(99), WINDOWS) is None
    assert run.window_of(failure(170), WINDOWS) == "redis"


def test_every_target_met_when_failures_are_posts_inside_the_windows(run, tmp_path):
    write_run(tmp_path / "ok", p95=250, failures=[failure(110, "POST")], windows=WINDOWS)
    markdown, met = report(run, tmp_path / "ok")
    assert met
    assert "| p95 ≤ 300 ms over the whole run | yes | 250 ms |" in markdown


@pytest.mark.parametrize(
    ("p95", "failures", "problems", "missed"),
    [
        (310, [], [], "p95 ≤ 300 ms"),
        (250, [failure(140)], [], "zero failed requests outside the fault windows"),
        (250, [failure(110)], [], "no failed GET while app server 1 is stopped"),
        (250, [], ["application 7: None is not what was filed"], "nothing lost"),
    ],
)
def test_a_missed_target_is_reported_and_fails_the_run(
    run, tmp_path, p95, failures, problems, missed
):
    write_run(tmp_path / "run", p95=p95, failures=failures, windows=WINDOWS)
    markdown, met = report(run, tmp_path / "run", problems)
    assert not met
    assert any(
        line.startswith(f"| {missed}") and "| NO |" in line for line in markdown.splitlines()
    )
