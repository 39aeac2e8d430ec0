"""Shared fixtures: the app, a client, HTML parsing, and a guard against leaving this machine."""

import ipaddress
import socket

import pytest
from hypothesis import settings

from takedown import create_app
from tests.helpers import Listener

# Hypothesis keeps no example database on disk: the test run writes nothing.
settings.register_profile("takedown", database=None, deadline=None)
settings.load_profile("takedown")

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)):  # a Unix socket path
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded(real):
    def connect(sock, address):
        if not _is_local(address):
            raise AssertionError(f"a test tried to connect off this machine, to {address!r}")
        return real(sock, address)
    return connect


@pytest.fixture(autouse=True, scope="session")
def no_network():
    """Fail any test that opens a connection to anything but loopback."""
    socket.socket.connect = _guarded(_real_connect)
    socket.socket.connect_ex = _guarded(_real_connect_ex)
    yield
    socket.socket.connect = _real_connect
    socket.socket.connect_ex = _real_connect_ex


@pytest.fixture
def app():
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret", "RATELIMIT_ENABLED": False})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def listener():
    """A loopback server that counts connections: proof that nothing was fetched."""
    server = Listener()
    yield server
    server.close()
