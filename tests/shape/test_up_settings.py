"""The settings of `make up` (ops/up.env read by ops/up.py) and its nginx configuration:
production-like, complete, and the portal apart from the stand-in. The shape itself is
proven by ops/smoke.py (`make smoke`), which starts it."""

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def up(tmp_path, monkeypatch):
    monkeypatch.setenv("UP_DIR", str(tmp_path / "up"))
    spec = importlib.util.spec_from_file_location("up", ROOT / "ops" / "up.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_portal_runs_with_production_settings_and_the_stand_in_off(up):
    values = up.settings()
    portal = up.environment(values)

    assert portal["DJANGO_DEBUG"] == "false"
    assert portal["STANDIN_ENABLED"] == "false"
    assert len(portal["DJANGO_SECRET_KEY"]) >= 50
    assert portal["EMAIL_URL"].startswith("smtp://127.0.0.1:")
    assert portal["CELERY_BROKER_URL"].startswith("redis://127.0.0.1:")
    assert portal["CACHE_URL"].startswith("redis://127.0.0.1:")
    assert portal["RATELIMIT_CACHE_URL"].startswith("redis://127.0.0.1:")
    assert portal["OIDC_OP_BASE_URL"].startswith("http://localhost:")


def test_it_never_uses_the_machines_own_postgresql_and_redis(up):
    values = up.settings()

    assert values["UP_POSTGRES_PORT"] != "5432"
    assert values["UP_REDIS_PORT"] != "6379"
    assert f":{values['UP_POSTGRES_PORT']}/" in values["DATABASE_URL"]


def test_the_stand_in_has_its_own_database_key_and_host_name(up):
    values = up.settings()
    portal, standin = up.environment(values), up.environment(values, standin=True)

    assert standin["STANDIN_SERVICE"] == "true"
    assert standin["DATABASE_URL"] != portal["DATABASE_URL"]
    assert standin["DJANGO_SECRET_KEY"] != portal["DJANGO_SECRET_KEY"]
    assert standin["DJANGO_ALLOWED_HOSTS"] == "localhost"
    assert urlhost(portal["PORTAL_BASE_URL"]) != urlhost(portal["OIDC_OP_BASE_URL"])


def urlhost(url):
    return re.match(r"https?://([^:/]+)", url).group(1)


def test_the_generated_secrets_are_kept_between_runs(up):
    first = up.settings()
    second = up.settings()

    assert first["UP_SECRET_KEY"] == second["UP_SECRET_KEY"]
    assert (Path(first["UP_DIR"]) / "secret-key").stat().st_mode & 0o777 == 0o600


def test_the_nginx_configuration_is_complete_and_hides_the_metrics(up):
    values = up.settings()
    up._prepare(values)
    base = Path(values["UP_DIR"]) / "nginx"
    portal_conf = (base / "portal.conf").read_text()
    main_conf = (base / "nginx.conf").read_text()

    assert not re.search(r"\$\{[A-Z_0-9]+\}", portal_conf + main_conf)
    assert f"server 127.0.0.1:{values['UP_WEB1_PORT']}" in portal_conf
    assert f"server 127.0.0.1:{values['UP_WEB2_PORT']}" in portal_conf
    assert "proxy_next_upstream error timeout http_502 http_503;" in portal_conf
    assert "location = /metrics { return 404; }" in portal_conf
    limit = int(re.search(r"client_max_body_size (\d+);", portal_conf).group(1))
    assert limit > int(values["REGISTRATION_UPLOAD_MAX_BYTES"])


def test_nginx_closes_idle_connections_to_an_app_server_before_gunicorn_does(up):
    """Else gunicorn closes a connection just as nginx sends a request on it: a reset,
    which takes an app server out of rotation and fails a POST (ops/load found it)."""
    values = up.settings()
    up._prepare(values)
    portal_conf = (Path(values["UP_DIR"]) / "nginx" / "portal.conf").read_text()
    upstream = re.search(r"upstream portal \{(.*?)\n\}", portal_conf, re.DOTALL).group(1)
    assert re.search(r"^\s*keepalive \d+;", upstream, re.MULTILINE)
    nginx_idle = int(re.search(r"keepalive_timeout (\d+)s;", upstream).group(1))
    # Read, not imported: importing the configuration sets up Prometheus' directory.
    gunicorn_conf = (ROOT / "portal" / "gunicorn.conf.py").read_text()
    keepalive = re.search(r'"GUNICORN_KEEPALIVE", "(\d+)"', gunicorn_conf)
    assert int(keepalive.group(1)) > nginx_idle
    # One failure does not take a server out of rotation: with the other one stopped,
    # that would leave no server at all.
    assert all(int(fails) > 1 for fails in re.findall(r"max_fails=(\d+)", upstream))


def test_nginx_accepts_the_configuration(up):
    nginx = shutil.which("nginx")
    if nginx is None:
        pytest.skip("nginx is not installed (make up installs it)")
    values = up.settings()
    up._prepare(values)
    (Path(values["UP_DIR"]) / "log").mkdir(exist_ok=True)
    base = Path(values["UP_DIR"]) / "nginx"
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [nginx, "-t", "-p", str(base), "-c", str(base / "nginx.conf"), "-e", "/dev/null"],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr


def test_every_process_of_the_procfile_runs_under_a_keeper_and_make_down_stops_it(up):
    lines = [
        line
        for line in (ROOT / "ops" / "Procfile").read_text().splitlines()
        if line and not line.startswith("#")
    ]

    assert sorted(line.split(":")[0] for line in lines) == sorted(
        ["postgres", "redis", "s3", "smtp", "standin", "web1", "web2", "worker", "beat", "nginx"]
    )
    assert all(" ops/up.py keep " in line for line in lines)
    assert sum(" beat " in line for line in lines) == 1
    names = sorted(line.split(":")[0] for line in lines)
    assert sorted(up.DOWN_FIRST + up.DOWN_THEN) == names
