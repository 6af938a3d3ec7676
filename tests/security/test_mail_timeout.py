"""Issue 13, "mail server silent": EMAIL_TIMEOUT is set, so a server that accepts the
connection and never answers costs a request seconds, not minutes."""

import os
import smtplib
import socket
import time

import pytest
from django.core import mail


@pytest.mark.skipif("EMAIL_TIMEOUT" in os.environ, reason="EMAIL_TIMEOUT set for this run")
def test_email_timeout_is_set_by_default():
    from django.conf import settings

    assert settings.EMAIL_TIMEOUT == 10
    assert mail.get_connection("django.core.mail.backends.smtp.EmailBackend").timeout == 10


@pytest.fixture
def silent_mail_server():
    """A port that accepts connections and never says a word (no SMTP greeting)."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    yield server.getsockname()[1]
    server.close()


def test_a_silent_mail_server_gives_up_after_email_timeout(settings, silent_mail_server):
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent_mail_server
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 0.5
    connection = mail.get_connection("django.core.mail.backends.smtp.EmailBackend")
    started = time.monotonic()

    with pytest.raises((TimeoutError, smtplib.SMTPServerDisconnected), match="timed out"):
        mail.send_mail(
            "Onderwerp", "Tekst", "portaal@example.be", ["an@example.be"], connection=connection
        )

    assert time.monotonic() - started < 3
