"""Smoke test of the production shape (`make smoke`; CI's "Production shape smoke").

Starts the shape (`ops/up.py up`, unless it already runs) and walks through it over real
HTTP, as a person and an operator would:

1. the readiness endpoint answers through nginx and on each app server (step 6 too);
2. Sofie signs in as a demo provider at the separate ACM/IDM stand-in (the real OIDC
   redirects and forms, two host names);
3. she saves her company data with another bank account: the change is pending and its
   mail arrives in the SMTP server's mailbox (through the worker);
4. she uploads an audit report through app server 1 and downloads it through app
   server 2: the same bytes, kept as one new object in the object storage's bucket;
5. with the SMTP server stopped (`ops/up.py stop smtp`, as an operator does), a
   bank-account change still saves for her; its mail arrives once the server is back
   (`ops/up.py start smtp`);
6. nginx refuses /metrics (each app server serves it directly) and passes its request id
   to the app server, whose log line carries it.

Then it stops the shape again (when it started it). Exits non-zero on the first failure.
Standard library and requests only (both in the virtualenv).
"""

import io
import mailbox
import random
import re
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "ops"))
import up  # noqa: E402  (ops/up.py: the shape's settings and process control)

SOFIE_NATIONAL_NUMBER = "01041808238"  # standin.demo: Sofie Maes, provider for Schelde
MAIL_TIMEOUT_SECONDS = 60
TIMEOUT = 30


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


# --- HTML forms ---------------------------------------------------------------------


class Form:
    def __init__(self, action, method, attrs):
        self.action, self.method, self.attrs = action, method, attrs
        self.fields = []  # (name, value) pairs as the browser would send them
        self.radios = {}  # name -> [values]
        self.checkboxes = {}  # name -> [(value, checked)]

    def values(self):
        return dict(self.fields)


class FormParser(HTMLParser):
    """The forms of a page with their fields' current values (as a browser sends them)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.form = None
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value if value is not None else "" for name, value in attrs}
        if tag == "form":
            self.form = Form(attrs.get("action", ""), attrs.get("method", "get").lower(), attrs)
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text").lower()
            name, value = attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")
            if kind == "radio":
                self.form.radios.setdefault(name, []).append(value)
                if "checked" in attrs:
                    self.form.fields.append((name, value))
            elif kind == "checkbox":
                self.form.checkboxes.setdefault(name, []).append((value, "checked" in attrs))
                if "checked" in attrs:
                    self.form.fields.append((name, value))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.form.fields.append((name, value))
        elif tag == "select" and attrs.get("name"):
            self.select = [attrs["name"], None, None]
        elif tag == "option" and self.select is not None:
            if self.select[2] is None:
                self.select[2] = attrs.get("value", "")
            if "selected" in attrs:
                self.select[1] = attrs.get("value", "")
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select" and self.select is not None:
            name, selected, first = self.select
            if self.form is not None:
                self.form.fields.append((name, selected if selected is not None else first or ""))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            if self.form is not None:
                self.form.fields.append((self.textarea[0], self.textarea[1].lstrip("\n")))
            self.textarea = None


def forms_of(response):
    parser = FormParser()
    parser.feed(response.text)
    return parser.forms


def form_with(response, field):
    """The page's form that has a field named `field`."""
    for form in forms_of(response):
        names = {name for name, _ in form.fields} | set(form.radios) | set(form.checkboxes)
        if field in names:
            return form
    raise Failure(f"no form with {field!r} on {response.url}")


def submit(session, response, form, data=None, files=None, base=None):
    """Post `form` of `response` with its current values updated by `data`."""
    values = form.values()
    values.update(data or {})
    url = urljoin(base or response.url, form.action or response.url)
    return session.post(url, data=values, files=files, timeout=TIMEOUT)


def errors_of(response):
    return re.findall(
        r'class="[^"]*invalid-feedback[^"]*"[^>]*>\s*(?:<[^>]+>)*([^<]+)', response.text
    )


# --- The journey ---------------------------------------------------------------------


class Shape:
    def __init__(self, values):
        self.values = values
        self.portal = f"http://127.0.0.1:{values['UP_NGINX_PORT']}"
        self.web1 = f"http://127.0.0.1:{values['UP_WEB1_PORT']}"
        self.web2 = f"http://127.0.0.1:{values['UP_WEB2_PORT']}"
        self.standin = f"http://localhost:{values['UP_STANDIN_PORT']}"
        self.mail_dir = Path(values["UP_DIR"]) / "mail"

    def mails(self):
        """The mails received, oldest first."""
        return sorted(mailbox.Maildir(self.mail_dir, create=False), key=lambda m: m.get_date())


def tail(path, size=200_000):
    with open(path, "rb") as handle:
        handle.seek(max(0, path.stat().st_size - size))
        return handle.read().decode("utf-8", "replace")


def step(title):
    print(f"--- {title}", flush=True)


def readiness(shape):
    path = shape.values["UP_READY_PATH"]
    for base in (shape.portal, shape.web1, shape.web2):
        response = requests.get(f"{base}{path}", timeout=TIMEOUT)
        check(response.status_code == 200, f"{base}{path} answered {response.status_code}")
    response = requests.get(f"{shape.portal}/", timeout=TIMEOUT)
    check(response.status_code == 200, f"the home page answered {response.status_code}")
    request_id = response.headers.get("X-Request-ID", "")
    check(re.fullmatch(r"[0-9a-f]{32}", request_id), f"X-Request-ID from nginx: {request_id!r}")
    # nginx's id reaches the app server's log line (gunicorn's access log, JSON).
    log = Path(shape.values["UP_DIR"]) / "log" / "honcho.log"
    deadline = time.monotonic() + 5
    while request_id not in tail(log):
        check(time.monotonic() < deadline, "the request id is not in the app server's log")
        time.sleep(0.2)
    response = requests.get(f"{shape.portal}/metrics", timeout=TIMEOUT)
    check(response.status_code == 404, f"/metrics through nginx answered {response.status_code}")
    response = requests.get(f"{shape.web1}/metrics", timeout=TIMEOUT)
    check(response.status_code == 200, f"/metrics on app server 1 answered {response.status_code}")


def sign_in(shape, session):
    """The portal's "Login dienstverleners", through the stand-in on its own host name."""
    response = session.get(f"{shape.portal}/oidc/authenticate/", timeout=TIMEOUT)
    check(
        urlsplit(response.url).netloc == urlsplit(shape.standin).netloc,
        f"not at the stand-in: {response.url}",
    )
    # "Kies manier van aanmelden": itsme, then the simulated check with her number.
    link = re.search(r'href="([^"]*/aanmelden/itsme/[^"]*)"', response.text)
    check(link, "no itsme link on the stand-in's sign-in page")
    response = session.get(
        urljoin(response.url, link.group(1).replace("&amp;", "&")), timeout=TIMEOUT
    )
    form = form_with(response, "national_number")
    response = submit(session, response, form, {"national_number": SOFIE_NATIONAL_NUMBER})
    check(
        response.status_code == 200, f"sign-in ended with {response.status_code} at {response.url}"
    )
    check(
        urlsplit(response.url).netloc == urlsplit(shape.portal).netloc,
        f"not back at the portal: {response.url}",
    )
    check("Afmelden" in response.text, "not signed in at the portal")
    return response


def company_data_save(shape, session, iban):
    """Mijn gegevens, both steps, with `iban`: returns the provider's detail page."""
    response = session.get(f"{shape.portal}/dienstverlener/dienstverleners/", timeout=TIMEOUT)
    link = re.search(r'href="(/dienstverlener/dienstverleners/\d+/stap-1/)"', response.text)
    check(link, "no 'wijzigen' link on the service providers' overview")
    response = session.get(f"{shape.portal}{link.group(1)}", timeout=TIMEOUT)
    form = form_with(response, "iban")
    response = submit(session, response, form, {"iban": iban, "bic": ""})
    check(
        response.status_code == 200 and "stap-2" in response.url, f"step 1: {errors_of(response)}"
    )
    form = form_with(response, "vakgebieden")
    data = {}
    if "vakgebieden" not in form.values():
        data["vakgebieden"] = form.checkboxes["vakgebieden"][0][0]
    response = submit(session, response, form, data)
    check(response.status_code == 200, f"step 2 answered {response.status_code}")
    check(not errors_of(response), f"step 2: {errors_of(response)}")
    return response


def text_of(message):
    """All text parts of a mail, decoded."""
    parts = [part.get_payload(decode=True) or b"" for part in message.walk()]
    return b"\n".join(parts).decode("utf-8", "replace")


def wait_for_mail(shape, after, containing, timeout=MAIL_TIMEOUT_SECONDS):
    """The mail, among those after the first `after`, whose text has `containing`."""
    deadline = time.monotonic() + timeout
    while True:
        for message in shape.mails()[after:]:
            if containing in text_of(message):
                return message
        check(time.monotonic() < deadline, f"no mail with {containing!r} in {timeout} s")
        time.sleep(0.5)


def outbox_row(shape, message):
    """(status, attempts, last_error) of the outbox row that `message` was sent from."""
    import psycopg

    with psycopg.connect(shape.values["DATABASE_URL"]) as connection:
        row = connection.execute(
            "SELECT status, attempts, last_error FROM core_outboxmail WHERE message_id = %s",
            [message["Message-ID"]],
        ).fetchone()
    check(row is not None, f"no outbox row for the mail {message['Message-ID']}")
    copies = [m for m in shape.mails() if m["Message-ID"] == message["Message-ID"]]
    check(len(copies) == 1, f"the mail arrived {len(copies)} times")
    return row


def bank_account_change(shape, session, iban):
    before = len(shape.mails())
    response = company_data_save(shape, session, iban)
    last_four = iban[-4:]
    check(last_four in response.text, "the pending account is not on the provider's page")
    # The mail shows the new account masked: its last four digits.
    message = wait_for_mail(shape, before, last_four)
    status, attempts, _error = outbox_row(shape, message)
    check(status == "sent", f"its outbox row is {status}")
    print(f"    mail: {message['Subject']} (outbox: {status}, {attempts} attempt(s))")


def belgian_iban():
    """A new valid Belgian IBAN at Belfius (bank code 096, whose BIC the portal knows):
    every run asks for an account that is neither active nor pending."""
    account = f"096{random.randrange(10**7):07d}"
    bban = f"{account}{int(account) % 97 or 97:02d}"
    check_digits = 98 - int(f"{bban}111400") % 97  # "BE00" moved to the end, B=11, E=14
    return f"BE{check_digits:02d}{bban}"


def pdf_bytes():
    from fpdf import FPDF

    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text=f"Auditrapport smoke test {time.time()}")
    return bytes(document.output())


def upload_and_download(shape, session):
    """An audit report filed through app server 1, downloaded through app server 2."""
    response = session.get(f"{shape.web1}/dienstverlener/registraties/", timeout=TIMEOUT)
    check(response.status_code == 200, f"registrations overview answered {response.status_code}")
    links = re.findall(
        r'href="(/dienstverlener/registraties/aanvragen/\d+/(?:\?type=\w+)?)"', response.text
    )
    check(links, "no 'aanvragen' link on the registrations overview")
    content = pdf_bytes()
    for link in links:
        # A provider and service type with a request already running is refused: the next.
        response = session.get(f"{shape.web1}{link.replace('&amp;', '&')}", timeout=TIMEOUT)
        form = form_with(response, "audit_body")
        data = {
            "audit_body": "Smoke Audit bv",
            "audit_date": time.strftime("%d/%m/%Y", time.localtime(time.time() - 30 * 86400)),
            "declaration_accepted": "on",
        }
        if "service_type" not in form.values():
            data["service_type"] = form.radios["service_type"][0]
        response = submit(
            session,
            response,
            form,
            data,
            files={"audit_report": ("auditrapport.pdf", io.BytesIO(content), "application/pdf")},
            base=f"{shape.web1}/",
        )
        check(response.status_code == 200, f"the request answered {response.status_code}")
        if re.search(r"/dienstverlener/registraties/\d+/$", response.url):
            break
    else:
        raise Failure(f"no request filed: {errors_of(response)}")
    check(response.url.startswith(shape.web1), f"left app server 1: {response.url}")
    download = urlsplit(response.url).path + "auditrapport/"
    response = session.get(f"{shape.web2}{download}", timeout=TIMEOUT)
    check(
        response.status_code == 200,
        f"download through app server 2 answered {response.status_code}",
    )
    check(response.content == content, "app server 2 returned other bytes than were uploaded")
    return urlsplit(response.url).path.removesuffix("auditrapport/")


def registration_withdraw(shape, session, path):
    """Withdraw the smoke's request, so that the next run can file one again."""
    response = session.get(f"{shape.portal}{path}intrekken/", timeout=TIMEOUT)
    form = form_with(response, "reason")
    response = submit(session, response, form, {"reason": "Rooktest"})
    check(response.status_code == 200, f"withdrawing answered {response.status_code}")


def bucket_objects(shape):
    """The names of the objects in the shape's bucket (the private files)."""
    import boto3

    values = shape.values
    client = boto3.client(
        "s3",
        endpoint_url=values["S3_ENDPOINT_URL"],
        aws_access_key_id=values["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=values["S3_SECRET_ACCESS_KEY"],
        region_name=values["S3_REGION"],
    )
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=values["S3_BUCKET"])
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


def smtp_outage(shape, session):
    """The operator stops the SMTP server; a change still saves; its mail comes later."""
    run(["stop", "smtp"])
    before = len(shape.mails())
    try:
        iban = belgian_iban()
        response = company_data_save(shape, session, iban)
        check(iban[-4:] in response.text, "the change made during the outage is not shown")
        time.sleep(3)
        check(len(shape.mails()) == before, "a mail arrived while the SMTP server was stopped")
    finally:
        run(["start", "smtp"])
    message = wait_for_mail(shape, before, iban[-4:], timeout=MAIL_TIMEOUT_SECONDS * 2)
    status, attempts, _error = outbox_row(shape, message)
    check(status == "sent" and attempts >= 2, f"outbox row {status} after {attempts} attempts")
    print(f"    mail after the outage: sent at attempt {attempts}")


def run(arguments):
    subprocess.run([sys.executable, str(ROOT / "ops" / "up.py"), *arguments], cwd=ROOT, check=True)


def main():
    started = time.monotonic()
    values = up.settings()
    running = up._read_pid(up.run_dir() / "honcho.pid", "honcho") is not None
    if not running:
        step("make up")
        run(["up"])
    shape = Shape(values)
    session = requests.Session()
    try:
        step("readiness, request id, /metrics hidden")
        readiness(shape)
        step("sign in as Sofie through the stand-in")
        sign_in(shape, session)
        step("company data with a new bank account: pending, mail through the worker")
        bank_account_change(shape, session, belgian_iban())
        step("upload through app server 1, download through app server 2, file in S3")
        before = bucket_objects(shape)
        registration = upload_and_download(shape, session)
        check(len(bucket_objects(shape) - before) == 1, "the upload is not in the S3 bucket")
        step("withdraw the smoke's registration request (the next run files one again)")
        registration_withdraw(shape, session, registration)
        step("SMTP server stopped: the change saves, the mail waits and arrives")
        smtp_outage(shape, session)
    except (Failure, requests.RequestException, subprocess.CalledProcessError) as error:
        print(f"SMOKE FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        if not running:
            step("make down")
            run(["down"])
    print(f"Smoke passed in {time.monotonic() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
