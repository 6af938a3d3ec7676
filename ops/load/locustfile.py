"""The load test of the production shape (locust, headless): `make load` runs it.

Against nginx of `make up`, a mix of what people do on the portal:

- Visitor (weight 7): anonymous searches over a long tail of queries (words of the
  vakgebieden, provider names and presentations, places and postcodes from the
  reference data, radius, filters, sort, pages) and public provider pages;
- ProviderUser (weight 2): signs in through the separate ACM/IDM stand-in (the real
  OIDC redirects and its sign-in form), saves "Mijn gegevens" (both steps: reads the
  form, changes a field, posts it back with all its values; now and then a new bank
  account, which mails), opens "Overzicht projecten" and exports it (CSV, XLSX); half
  of them file a registration request with an audit report (a PDF upload) once;
- SMEUser (weight 1): an SME's user signs in, finds a provider, files an application
  (the form, "Controleer en dien in" with its submit-once token) and signs out.

Each signed-in user takes a load-test identity of its own (demo.loadtest, seeded by
ops/load/run.py), so concurrent users do not fight over the same rows. What a user
saved is written to LOAD_RECORD (JSON lines) for ops/load/run.py's accounting; every
failed request to LOAD_FAILURES with its time, to be matched against the fault windows.

Environment: LOAD_PORTAL (nginx, e.g. http://127.0.0.1:8080), LOAD_STANDIN (the
stand-in's address, e.g. http://localhost:8090), LOAD_VOCABULARY (JSON from run.py),
LOAD_RECORD, LOAD_FAILURES, LOAD_RUN_ID.
"""

import contextlib
import datetime
import hashlib
import io
import itertools
import json
import os
import random
import re
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

from locust import HttpUser, between, events, task

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "ops"))
from smoke import belgian_iban, form_with  # noqa: E402  (ops/smoke.py)

from demo import loadtest  # noqa: E402

PORTAL = os.environ.get("LOAD_PORTAL", "http://127.0.0.1:8080")
STANDIN = os.environ.get("LOAD_STANDIN", "http://localhost:8090")
RUN_ID = os.environ.get("LOAD_RUN_ID", time.strftime("%Y%m%d%H%M%S"))
RECORD = Path(os.environ.get("LOAD_RECORD", ROOT / "var" / "load" / "saved.jsonl"))
FAILURES = Path(os.environ.get("LOAD_FAILURES", ROOT / "var" / "load" / "failures.jsonl"))
VOCABULARY = Path(os.environ.get("LOAD_VOCABULARY", ROOT / "var" / "load" / "vocabulary.json"))

_lock = threading.Lock()
_seed = int(hashlib.sha256(RUN_ID.encode()).hexdigest()[:8], 16)
# Providers: one each for the whole run. SMEs: the next one for every application,
# from an offset per run, so that no SME nears the annual ceiling (EUR 7,500) soon.
_providers = itertools.count()
_smes = itertools.count(_seed % loadtest.SME_COUNT)
PROVIDERS = loadtest.providers()
SMES = loadtest.smes()


def _append(path, record):
    with _lock, open(path, "a") as handle:
        handle.write(json.dumps(record, sort_keys=True) + "\n")


def record(kind, **fields):
    _append(RECORD, {"kind": kind, "time": time.time(), "run": RUN_ID, **fields})


@events.request.add_listener
def on_request(request_type, name, response_time, exception, start_time=None, **kwargs):
    if exception is None:
        return
    response = kwargs.get("response")
    _append(
        FAILURES,
        {
            "time": start_time or time.time() - response_time / 1000,
            "method": request_type,
            "name": name,
            "status": getattr(response, "status_code", 0),
            "error": str(exception)[:300],
        },
    )


def _vocabulary():
    if VOCABULARY.exists():
        return json.loads(VOCABULARY.read_text())
    return {"words": ["opleiding", "advies"], "places": ["2000 Antwerpen"], "vakgebieden": []}


WORDS = _vocabulary()


class StepFailed(Exception):
    pass


class PortalUser(HttpUser):
    abstract = True
    host = PORTAL

    def check(self, response, condition, message):
        """Mark the request failed (it did not do what the user came for) and stop."""
        if not condition:
            response.failure(message)
            raise StepFailed(message)

    def get(self, url, name, **kwargs):
        with self.client.get(url, name=name, catch_response=True, **kwargs) as response:
            self.check(response, response.status_code == 200, f"HTTP {response.status_code}")
            return response

    def post(self, url, name, data, files=None, expect=None):
        with self.client.post(
            url, name=name, data=data, files=files, catch_response=True
        ) as response:
            self.check(response, response.status_code == 200, f"HTTP {response.status_code}")
            if expect:
                self.check(
                    response,
                    re.search(expect, urlsplit(response.url).path),
                    f"ended at {urlsplit(response.url).path}",
                )
            return response

    def follow(self, response, name):
        """Follow the redirects one by one, each its own request kind (the OIDC hops:
        the stand-in's authorize, the portal's callback, ...), so that each is timed."""
        while response.is_redirect:
            url = urljoin(response.url, response.headers["Location"])
            parts = urlsplit(url)
            where = "stand-in" if parts.netloc == urlsplit(STANDIN).netloc else "portal"
            path = re.sub(r"/\d+/", "/N/", parts.path)
            with self.client.get(
                url, name=f"{name}: {where} {path}", allow_redirects=False, catch_response=True
            ) as hop:
                self.check(hop, hop.status_code in (200, 302, 303), f"HTTP {hop.status_code}")
            response = hop
        return response

    def sign_in(self, identity, name):
        """The portal's sign-in, through the stand-in on its own host name: the real
        OIDC redirects (each timed on its own) and the stand-in's sign-in form."""
        self.client.cookies.clear()
        with self.client.get(
            "/oidc/authenticate/",
            name=f"{name}: portal /oidc/authenticate/",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self.check(response, response.status_code == 302, f"HTTP {response.status_code}")
        response = self.follow(response, name)
        self.check(
            response,
            urlsplit(response.url).netloc == urlsplit(STANDIN).netloc,
            f"not at the stand-in: {urlsplit(response.url).netloc}",
        )
        link = re.search(r'href="([^"]*/aanmelden/itsme/[^"]*)"', response.text)
        self.check(response, link, "no itsme link at the stand-in")
        response = self.get(
            urljoin(response.url, link.group(1).replace("&amp;", "&")),
            f"{name}: stand-in sign-in form",
        )
        form = form_with(response, "national_number")
        values = {**form.values(), "national_number": identity.national_number}
        with self.client.post(
            urljoin(response.url, form.action or response.url),
            name=f"{name}: stand-in sign-in (post)",
            data=values,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self.check(response, response.status_code == 302, f"HTTP {response.status_code}")
        response = self.follow(response, name)
        self.check(
            response,
            urlsplit(response.url).netloc == urlsplit(PORTAL).netloc
            and "Afmelden" in response.text,
            f"not signed in at the portal: {urlsplit(response.url).path}",
        )
        return response

    def run_step(self, step):
        """Run one thing a person does; a failed step (already counted) ends it."""
        with contextlib.suppress(StepFailed):
            step()


# --- Visitors -----------------------------------------------------------------------


def search_query(rng):
    """One of many thousands of distinct searches a visitor might make."""
    query = {}
    roll = rng.random()
    if roll < 0.75:
        query["q"] = " ".join(rng.sample(WORDS["words"], k=rng.choice([1, 1, 1, 2, 2, 3])))
    if rng.random() < 0.45 and WORDS["places"]:
        place = rng.choice(WORDS["places"])
        query["plaats"] = place.split(" ", 1)[0] if rng.random() < 0.5 else place
        query["straal"] = rng.choice(["0", "5", "10", "25", "50"])
        if rng.random() < 0.3:
            query["sorteer"] = "afstand"
    if rng.random() < 0.25 and WORDS["vakgebieden"]:
        query["vakgebied"] = rng.sample(WORDS["vakgebieden"], k=rng.choice([1, 1, 2]))
    if rng.random() < 0.2:
        query["type"] = rng.choice(["O", "A"])
    if rng.random() < 0.1:
        query["sorteer"] = "naam"
    if not query:
        query["q"] = rng.choice(WORDS["words"])
    if rng.random() < 0.25:
        query["page"] = rng.choice([2, 2, 3, 4])
    return query


class Visitor(PortalUser):
    weight = 7
    wait_time = between(1, 4)

    def on_start(self):
        self.rng = random.Random()

    @task(6)
    def search(self):
        query = search_query(self.rng)
        with self.client.get(
            f"/zoeken/?{urlencode(query, doseq=True)}",
            name="search",
            catch_response=True,
        ) as response:
            # A page past the last one is the search's own 404: not a failure.
            if response.status_code == 404 and "page" in query:
                response.success()
            elif response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task(3)
    def provider_page(self):
        if WORDS.get("providers"):
            self.run_step(
                lambda: self.get(
                    f"/zoeken/dienstverlener/{self.rng.choice(WORDS['providers'])}/",
                    "public provider page",
                )
            )

    @task(1)
    def home(self):
        self.run_step(lambda: self.get("/", "home page"))


# --- Providers ----------------------------------------------------------------------


def pdf_bytes(title):
    from fpdf import FPDF

    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text=title)
    return bytes(document.output())


class ProviderUser(PortalUser):
    weight = 2
    wait_time = between(2, 6)

    def on_start(self):
        self.rng = random.Random()
        self.identity = PROVIDERS[next(_providers) % len(PROVIDERS)]
        self.provider_path = None
        self.saves = 0
        self.uploaded = False
        self.run_step(self.open_session)

    def open_session(self):
        self.sign_in(self.identity, "provider")
        response = self.get("/dienstverlener/dienstverleners/", "provider: my providers")
        link = re.search(r'href="(/dienstverlener/dienstverleners/\d+/)stap-1/"', response.text)
        self.check(response, link, "no provider to edit")
        self.provider_path = link.group(1)
        # Half of the providers file a registration request with an audit report (a PDF)
        # once, right after signing in, so that even a short run has files to account for.
        if self.identity.index % 2 == 0 and not self.uploaded:
            self.uploaded = True
            self._registration_request()

    def signed_in(self):
        if self.provider_path is None:
            self.open_session()

    @task(3)
    def company_data(self):
        self.run_step(self._company_data)

    def _company_data(self):
        """ "Mijn gegevens", both steps, with a changed contact name (and now and then a
        new bank account, which asks for a verification and mails the provider)."""
        self.signed_in()
        response = self.get(f"{self.provider_path}stap-1/", "provider: company data step 1 (form)")
        form = form_with(response, "iban")
        self.saves += 1
        marker = f"Lt{RUN_ID[-6:]}x{self.saves}"
        values = {**form.values(), "contact_last_name": marker}
        iban = None
        if self.saves % 3 == 1:
            iban = belgian_iban()
            values.update(iban=iban, bic="")
        response = self.post(
            urljoin(response.url, form.action or response.url),
            "provider: company data step 1 (post)",
            values,
            expect=r"/stap-2/$",
        )
        form = form_with(response, "vakgebieden")
        values = form.values()
        checked = [value for value, on in form.checkboxes.get("vakgebieden", []) if on]
        if not checked:
            checked = [form.checkboxes["vakgebieden"][0][0]]
        values["vakgebieden"] = checked
        response = self.post(
            urljoin(response.url, form.action or response.url),
            "provider: company data step 2 (post)",
            values,
            expect=r"/dienstverlener/dienstverleners/\d+/$",
        )
        provider_pk = int(re.search(r"/(\d+)/$", self.provider_path).group(1))
        record("company", provider=provider_pk, contact_last_name=marker, iban=iban)

    @task(3)
    def overview(self):
        self.run_step(self._overview)

    def _overview(self):
        self.signed_in()
        self.get("/dienstverlener/projecten/", "provider: dossier overview")

    @task(1)
    def export(self):
        self.run_step(self._export)

    def _export(self):
        self.signed_in()
        kind = self.rng.choice(["csv", "xlsx"])
        self.get(f"/dienstverlener/projecten/export.{kind}", f"provider: export {kind}")

    def _registration_request(self):
        """A registration request for advies with an audit report."""
        response = self.get("/dienstverlener/registraties/", "provider: registrations")
        links = re.findall(
            r'href="(/dienstverlener/registraties/aanvragen/\d+/(?:\?type=\w+)?)"', response.text
        )
        if not links:
            return  # a request of an earlier moment still runs
        response = self.get(links[0].replace("&amp;", "&"), "provider: registration form")
        form = form_with(response, "audit_body")
        content = pdf_bytes(f"Auditrapport belastingtest {RUN_ID} {self.identity.index}")
        values = {
            **form.values(),
            "audit_body": "Belastingtest Audit bv",
            "audit_date": (datetime.date.today() - datetime.timedelta(days=20)).isoformat(),
            "declaration_accepted": "on",
        }
        if "service_type" not in values and form.radios.get("service_type"):
            values["service_type"] = form.radios["service_type"][0]
        response = self.post(
            urljoin(response.url, form.action or response.url),
            "provider: registration request with PDF (post)",
            values,
            files={"audit_report": ("auditrapport.pdf", io.BytesIO(content), "application/pdf")},
            expect=r"/dienstverlener/registraties/\d+/$",
        )
        record(
            "upload",
            provider_index=self.identity.index,
            registration=urlsplit(response.url).path,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
        )


# --- SMEs ---------------------------------------------------------------------------


class SMEUser(PortalUser):
    weight = 1
    wait_time = between(3, 8)

    def on_start(self):
        self.rng = random.Random()

    @task
    def application(self):
        self.run_step(self._application)

    def _application(self):
        identity = SMES[next(_smes) % len(SMES)]
        self.sign_in(identity, "sme")
        provider = PROVIDERS[self.rng.randrange(len(PROVIDERS))]
        response = self.get(
            f"/kmo/dossiers/nieuw/?{urlencode({'q': provider.organisation_name})}",
            "sme: choose a provider",
        )
        link = re.search(r'href="(/kmo/dossiers/nieuw/\d+/)"', response.text)
        self.check(response, link, "the provider is not offered")
        response = self.get(link.group(1), "sme: application form")
        form = form_with(response, "amount_excl_vat")
        options = re.findall(
            r'<option value="(\d+)"', response.text.split('name="vakgebied"', 1)[1]
        )
        themes = re.findall(r'<option value="(\w+)"', response.text.split('name="theme"', 1)[1])
        today = datetime.date.today()
        amount = self.rng.randrange(100, 400)
        values = {
            **form.values(),
            "service_type": "O",
            "title": f"Belastingtest {RUN_ID} {identity.index}",
            "training_kind": form.radios["training_kind"][1],
            "vakgebied": options[0],
            "theme": themes[0],
            "higher_rate_topic": "",
            "start_date": (today - datetime.timedelta(days=2)).isoformat(),
            "end_date": (today + datetime.timedelta(days=30)).isoformat(),
            "amount_excl_vat": f"{amount},00",
            "company_size": form.radios["company_size"][0],
        }
        response = self.post(
            urljoin(response.url, form.action or response.url),
            "sme: application form (post)",
            values,
            expect=r"/controleren/$",
        )
        form = form_with(response, "submission_token")
        response = self.post(
            urljoin(response.url, form.action or response.url),
            "sme: file the application (post)",
            form.values(),
            expect=r"/kmo/dossiers/\d+/$",
        )
        project_pk = int(re.search(r"/(\d+)/$", urlsplit(response.url).path).group(1))
        record("application", project=project_pk, sme=identity.kbo_number, amount=amount)
        self.client.cookies.clear()
