"""A real SMTP server for the tests: aiosmtpd in a thread, on a free port of 127.0.0.1.

It keeps every message it accepts (`messages`, parsed, with the envelope's recipients),
refuses the recipients in `refused` (550), answers 421 to the sender while
`unavailable` is set, and can be stopped and started again on the same port (a mail
server that is down and comes back). The fixture `smtp_server` (tests/conftest.py)
points Django's SMTP backend at it.
"""

import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Handler:
    def __init__(self, server):
        self.server = server

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.server.unavailable:
            return "421 4.3.2 Service not available, try again later"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.server.refused:
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.server.lock:
            self.server.messages.append(message)
            self.server.envelopes.append(tuple(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


class MailServer:
    """An SMTP server that keeps what it receives; `start()` and `stop()` at will."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.messages = []
        self.envelopes = []
        self.refused = set()
        self.unavailable = False
        self.lock = threading.Lock()
        self.controller = None

    def start(self):
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def message_ids(self):
        with self.lock:
            return [message["Message-ID"] for message in self.messages]

    def subjects(self):
        with self.lock:
            return [message["Subject"] for message in self.messages]
