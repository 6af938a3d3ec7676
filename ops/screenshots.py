"""Screenshots of the portal's start pages (`make screenshots`) into docs/screenshots/.

Starts the portal on a free port with a temporary SQLite database (migrate, the demo
data, the stand-in's demo people, the portal registered as the stand-in's client),
signs in as the demo people of the README through the stand-in and saves full-page
PNGs at 1366 and 390 px wide:

    home, search (public results), provider-menu (Sofie Maes), sme-home and
    sme-projects (An Willems), admin (the staff account `medewerker`)

as `<page>-<width>.png`. Uses Playwright with the machine's Chromium
(/usr/lib/chromium/chromium or /usr/bin/chromium). Nothing of the development
database (db.sqlite3) is touched; the server is stopped at the end.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "screenshots"
WIDTHS = (1366, 390)
HEIGHT = 900
CHROMIUM_PATHS = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The portal and the stand-in are one server under two host names (separate cookies).
PORTAL_HOST, STANDIN_HOST = "127.0.0.1", "localhost"
STARTUP_SECONDS = 60


def free_port():
    with socket.socket() as probe:
        probe.bind((PORTAL_HOST, 0))
        return probe.getsockname()[1]


def environment(database, port):
    """The development settings (DEBUG, the stand-in) on a database and port of our own."""
    standin = f"http://{STANDIN_HOST}:{port}/standin"
    return {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{database}",
        "PORTAL_BASE_URL": f"http://{PORTAL_HOST}:{port}",
        "OIDC_OP_BASE_URL": f"{standin}/op",
        "ACCESS_MANAGEMENT_URL": f"{standin}/idm/",
        "STANDIN_SIGN_IN_RATE_LIMIT": "1000/m",
    }


def manage(env, *arguments):
    subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, check=True, stdout=sys.stderr
    )


def prepare_database(env, port, organisations):
    portal = f"http://{PORTAL_HOST}:{port}"
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createcachetable")
    manage(env, "load_demo_data", "--organisations", str(organisations))
    manage(
        env,
        "standin_register_client",
        "--redirect-uri",
        f"{portal}/oidc/callback/",
        "--post-logout-uri",
        f"{portal}/",
    )


def start_server(env, port):
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"{PORTAL_HOST}:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the portal stopped at start-up (exit code {server.returncode})")
        try:
            with urllib.request.urlopen(f"http://{PORTAL_HOST}:{port}/gezondheid/", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"the portal did not answer within {STARTUP_SECONDS} s")


def save(page, name, width):
    path = OUTPUT / f"{name}-{width}.png"
    page.screenshot(path=path, full_page=True)
    print(f"  {path.relative_to(ROOT)}")


def at_each_width(page, name, url):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        page.goto(url)
        page.wait_for_load_state("networkidle")
        save(page, name, width)


def sign_in(page, portal, link, person):
    """From the home page: `link`, then the stand-in's itsme check as `person`."""
    page.goto(portal)
    page.get_by_role("link", name=link).click()
    page.get_by_role("link", name=re.compile("itsme")).click()
    page.get_by_role("radio", name=re.compile(rf"^{re.escape(person)} –")).check()
    page.get_by_role("button", name="Aanmelden", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def take_screenshots(browser, portal):
    def new_page():
        context = browser.new_context(locale="nl-BE", viewport={"width": 1366, "height": HEIGHT})
        context.set_default_timeout(15_000)
        return context.new_page()

    visitor = new_page()
    at_each_width(visitor, "home", f"{portal}/")
    at_each_width(visitor, "search", f"{portal}/zoeken/?q=talen")

    sofie = new_page()
    sign_in(sofie, portal, "Login dienstverleners", "Sofie Maes")
    at_each_width(sofie, "provider-menu", f"{portal}/dienstverlener/")

    an = new_page()
    sign_in(an, portal, "Login ondernemingen", "An Willems")
    at_each_width(an, "sme-home", f"{portal}/kmo/")
    at_each_width(an, "sme-projects", f"{portal}/kmo/dossiers/")

    staff = new_page()
    staff.goto(f"{portal}/admin/login/")
    staff.locator("#id_username").fill("medewerker")
    staff.locator("#id_password").fill("medewerker")
    staff.locator("input[type=submit]").click()
    expect(staff.locator("#user-tools")).to_be_visible()
    at_each_width(staff, "admin", f"{portal}/admin/")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--organisations",
        type=int,
        default=30,
        help="demo organisations to load (default 30: enough for a page of search results)",
    )
    arguments = parser.parse_args()
    executable = next((path for path in CHROMIUM_PATHS if Path(path).exists()), None)
    if executable is None:
        raise SystemExit("Chromium is missing: `apt-get install chromium` (or `make chromium`)")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="kmo-screenshots-") as directory:
        env = environment(Path(directory) / "db.sqlite3", port)
        prepare_database(env, port, arguments.organisations)
        server = start_server(env, port)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=executable, headless=True, args=CHROMIUM_ARGS
                )
                print(f"Screenshots of http://{PORTAL_HOST}:{port}/:")
                take_screenshots(browser, f"http://{PORTAL_HOST}:{port}")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
