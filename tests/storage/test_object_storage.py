"""Issue 14: the private files (audit reports) in S3-compatible object storage.

Against a real SeaweedFS (ops/seaweedfs.sh, the `seaweedfs` fixture): a provider's
upload lands in the bucket and not on disk; the provider and the reviewer download it
through the scoped views, streamed, with the download headers; another organisation
gets a 404; a second app server serves the same file; the bucket refuses anyone
without the keys; and an optional redirect to a short-lived signed URL.
"""

import hashlib
import subprocess
import sys
import time
import tracemalloc

import pytest
import requests
from django.core.files.base import ContentFile
from django.http import FileResponse
from django.test import Client
from django.urls import reverse

from core.storage import private_storage
from registrations.models import Registration
from tests.factories import MembershipFactory, RegistrationFactory, pdf_bytes
from tests.registrations.test_views import create_url, request_data
from tests.seaweedfs_support import BASE_DIR, free_s3_port

pytestmark = pytest.mark.django_db

SANDBOX = "default-src 'none'; sandbox"


@pytest.fixture
def bucket(object_storage):
    return object_storage


@pytest.fixture
def organisation():
    from tests.factories import OrganisationFactory

    return OrganisationFactory(name="Acme")


@pytest.fixture
def provider(organisation):
    from tests.factories import ServiceProviderFactory

    return ServiceProviderFactory(organisation=organisation, name="Acme Advies")


@pytest.fixture
def alice(alice, organisation):
    MembershipFactory(user=alice, organisation=organisation)
    return alice


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def uploaded(signed_in, provider, bucket):
    """Alice's registration request, with its audit report uploaded through the view."""
    response = signed_in.post(create_url(provider), request_data())
    assert response.status_code == 302
    return Registration.objects.get()


def download_url(registration):
    return reverse("registrations:audit-report", kwargs={"pk": registration.pk})


def admin_download_url(registration):
    return reverse("admin:registrations_registration_audit_report", args=[registration.pk])


def body(response):
    return b"".join(response.streaming_content)


def assert_private_pdf_download(response):
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["Content-Length"] == str(len(pdf_bytes()))


def test_an_uploaded_audit_report_lands_in_the_bucket_and_not_on_disk(
    uploaded, bucket, seaweedfs, settings
):
    assert seaweedfs.object_names(bucket) == [uploaded.audit_report.name]
    assert seaweedfs.read(bucket, uploaded.audit_report.name) == pdf_bytes()
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*"))
    # The name in the bucket is ours; the uploader's is only in the database.
    assert "Acme" not in uploaded.audit_report.name


def test_the_report_is_written_with_a_private_acl(signed_in, provider, bucket):
    """SeaweedFS keeps no ACLs (it refuses every unsigned request, see below): what is
    checked here is what the portal asks of any S3, in the PUT it sends."""
    sent = []

    def record(request, **kwargs):
        if request.method == "PUT" and "/registrations/" in request.url:
            sent.append(request.headers.get("x-amz-acl"))

    events = private_storage.connection.meta.client.meta.events
    events.register("before-send.s3", record)
    try:
        response = signed_in.post(create_url(provider), request_data())
    finally:
        events.unregister("before-send.s3", record)

    assert response.status_code == 302
    assert sent == [b"private"]


def test_the_provider_downloads_the_report_streamed_from_the_bucket(signed_in, uploaded):
    response = signed_in.get(download_url(uploaded))

    assert_private_pdf_download(response)
    assert 'filename="Auditrapport Acme 2025.pdf"' in response["Content-Disposition"]
    assert body(response) == pdf_bytes()


def test_the_reviewer_downloads_the_same_bytes_in_the_admin(client, sam, uploaded):
    client.force_login(sam)

    response = client.get(admin_download_url(uploaded))

    assert_private_pdf_download(response)
    assert body(response) == pdf_bytes()


def test_another_organisation_gets_a_404_for_the_report(client, uploaded):
    client.force_login(MembershipFactory().user)

    assert client.get(download_url(uploaded)).status_code == 404


def test_a_second_app_server_serves_the_file_the_first_one_stored(alice, uploaded):
    """Another client with the same storage settings; and another process altogether,
    which knows the file only by its name in the database."""
    second = Client()
    second.force_login(alice)

    response = second.get(download_url(uploaded))

    assert response.status_code == 200
    assert body(response) == pdf_bytes()


def test_another_process_with_the_same_settings_reads_the_same_bytes(uploaded, seaweedfs, bucket):
    read = (
        "import hashlib, sys; from core.storage import private_storage; "
        "stream = private_storage.open_stream(sys.argv[1]); "
        "print(hashlib.sha256(stream.read()).hexdigest())"
    )
    environment = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        **seaweedfs.environment(bucket),
    }

    result = subprocess.run(  # noqa: S603 - our own manage.py
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); {read}",
            uploaded.audit_report.name,
        ],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == hashlib.sha256(pdf_bytes()).hexdigest()


def test_the_bucket_refuses_an_anonymous_read_of_the_report(uploaded, seaweedfs, bucket):
    object_url = f"{seaweedfs.endpoint_url}/{bucket}/{uploaded.audit_report.name}"

    assert requests.get(object_url, timeout=10).status_code == 403
    assert requests.get(f"{seaweedfs.endpoint_url}/{bucket}", timeout=10).status_code == 403


def test_the_storage_gives_no_url_for_a_private_file(uploaded, signed_in):
    with pytest.raises(NotImplementedError):
        _ = uploaded.audit_report.url
    page = signed_in.get(reverse("registrations:detail", kwargs={"pk": uploaded.pk}))
    assert b"X-Amz" not in page.content
    assert b":%d/" % int(private_storage.endpoint_url.rsplit(":", 1)[1]) not in page.content


def test_a_report_missing_from_the_bucket_is_a_404(signed_in, uploaded):
    private_storage.delete(uploaded.audit_report.name)

    assert signed_in.get(download_url(uploaded)).status_code == 404


def test_a_large_report_is_streamed_in_chunks_not_read_whole(signed_in, provider, alice, bucket):
    size = 8 * 1024 * 1024
    large = pdf_bytes() + b"%" + b"x" * size
    registration = RegistrationFactory(service_provider=provider, declared_by=alice)
    registration.audit_report.save("groot.pdf", ContentFile(large))
    digest = hashlib.sha256()
    # Once before measuring: the first request loads code and botocore's S3 model.
    assert body(signed_in.get(download_url(registration))) == large

    tracemalloc.start()
    try:
        response = signed_in.get(download_url(registration))
        for chunk in response.streaming_content:
            assert len(chunk) <= FileResponse.block_size
            digest.update(chunk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert digest.hexdigest() == hashlib.sha256(large).hexdigest()
    assert response["Content-Length"] == str(len(large))
    # The whole file never sits in memory: a small fraction of it at most.
    assert peak < size / 8


def test_the_download_is_a_503_while_the_object_storage_is_down(
    alice, uploaded, seaweedfs, settings
):
    values = seaweedfs.storage_settings(uploaded.audit_report.storage.bucket_name)
    down = values["PRIVATE_STORAGE"]
    down["OPTIONS"]["endpoint_url"] = f"http://127.0.0.1:{free_s3_port()}"
    settings.STORAGES = {**settings.STORAGES, "private": down}
    client = Client(raise_request_exception=False)
    client.force_login(alice)

    response = client.get(download_url(uploaded))

    assert response.status_code == 503
    assert response["Retry-After"]


# --- Optional: a redirect to a short-lived signed URL --------------------------------


@pytest.fixture
def presigned(settings):
    settings.S3_PRESIGNED_DOWNLOAD_SECONDS = 60


def test_with_signed_urls_the_download_redirects_to_the_store_with_the_headers(
    presigned, signed_in, uploaded, seaweedfs
):
    response = signed_in.get(download_url(uploaded))

    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
    location = response["Location"]
    assert location.startswith(f"{seaweedfs.endpoint_url}/")
    assert "X-Amz-Expires=60" in location
    stored = requests.get(location, timeout=10)
    assert stored.status_code == 200
    assert stored.content == pdf_bytes()
    assert stored.headers["Content-Type"] == "application/pdf"
    assert stored.headers["Content-Disposition"] == (
        'attachment; filename="Auditrapport Acme 2025.pdf"'
    )
    assert stored.headers["Cache-Control"] == "private, no-store"


def test_a_tampered_or_expired_signed_url_is_refused_by_the_store(uploaded):
    name = uploaded.audit_report.name
    expiring = private_storage.presigned_download_url(
        name, content_disposition="attachment", content_type="application/pdf", seconds=1
    )
    other = name.replace(".pdf", "x.pdf")

    assert requests.get(expiring.replace(name, other), timeout=10).status_code == 403
    time.sleep(2.1)
    assert requests.get(expiring, timeout=10).status_code == 403


def test_with_signed_urls_another_organisation_still_gets_a_404(presigned, client, uploaded):
    client.force_login(MembershipFactory().user)

    response = client.get(download_url(uploaded))

    assert response.status_code == 404
