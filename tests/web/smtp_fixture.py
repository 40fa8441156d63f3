"""A real SMTP server in the test process (aiosmtpd), which can be stopped and started again
on the same port to play "SMTP down, then up"."""

from __future__ import annotations

import email
import socket
import threading

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Handler:
    def __init__(self, inbox):
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content)
        with self.inbox.lock:
            self.inbox.messages.append(message)
        return "250 OK"


class TestSmtpServer:
    """Messages received, by idempotency key and recipient."""

    __test__ = False

    def __init__(self):
        self.port = free_port()
        self.messages: list = []
        self.lock = threading.Lock()
        self._controller = None

    def start(self):
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def config(self) -> dict:
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.port, "SMTP_STARTTLS": False,
                "MAIL_FROM": "convene@test.example"}

    def keys(self) -> list[str]:
        return [m["X-Convene-Key"] for m in self.messages]

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]
