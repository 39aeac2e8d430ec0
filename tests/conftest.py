"""Shared fixtures: apps, a client, live servers, a small directory, and a guard against leaving
this machine. The helpers they use are in helpers.py."""

import ipaddress
import shutil
import socket
from pathlib import Path

import pytest
from hypothesis import settings

from takedown import law, platforms
from tests.helpers import Listener, LiveServer, new_app

DATA = Path(__file__).resolve().parent / "data"

# Hypothesis keeps no example database on disk: the test run writes nothing.
settings.register_profile("takedown", database=None, deadline=None)
settings.load_profile("takedown")

# Module-wide fixtures that cost next to nothing to make again in another worker: an app or a
# test client is one create_app (about 16 ms).
_CHEAP_SHARED_FIXTURES = {"make_app", "no_network", "shared_app", "app", "client"}


def pytest_configure(config):
    # Registered here too, so a run without pytest-xdist does not call the mark unknown.
    config.addinivalue_line("markers", "xdist_group(name): run these tests in one xdist worker")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Under `pytest -n N --dist loadgroup` (make test), keep a module's tests in one worker
    when they share something costly set up once per module (a serving stack): a test that
    uses any of our module- or class-wide fixtures but the cheap ones. What is set up once per
    session (the browser, the browser tests' server) each worker sets up once anyway, so those
    tests, like every other, go to whichever worker is free."""
    for item in items:
        fixtures = getattr(item, "_fixtureinfo", None)
        if fixtures is None or item.get_closest_marker("xdist_group"):
            continue
        shared = {name for name, defs in fixtures.name2fixturedefs.items()
                  if defs and defs[-1].scope in ("module", "class", "package")
                  and defs[-1].baseid} - _CHEAP_SHARED_FIXTURES
        if shared:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
    if getattr(config.option, "loadgroup", False):  # in a pytest-xdist worker
        for item in items:
            _put_group_in_id(item)
        # The groups first: xdist hands out the largest groups first and single tests in this
        # order, and a group of one (a stack for one test) would otherwise start at the end.
        items.sort(key=lambda item: item.get_closest_marker("xdist_group") is None)


def _put_group_in_id(item) -> None:
    """What pytest-xdist does to a grouped test, done so it takes: "@group" after the test's id,
    which is all its scheduler reads. pytest 9.2 keeps the id in Node._id, so xdist 3.8's own
    renaming (of Node._nodeid, after this hook) no longer takes and every test would be
    scheduled alone (pytest-dev/pytest-xdist#1386, fixed in #1388, not yet released)."""
    from _pytest.nodeid import NodeId

    names = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                    for mark in item.iter_markers("xdist_group")})
    if names:
        item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")
        assert item.nodeid.endswith("@" + "_".join(names)), "pytest changed how ids are kept"


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


@pytest.fixture(scope="session")
def make_app():
    """Make an app with test settings, changed by keyword: make_app(WTF_CSRF_ENABLED=True)."""
    return new_app


@pytest.fixture(scope="module")
def shared_app(make_app):
    """The app of a module's tests that take `app` or `client`: made, and its templates
    loaded, once a module rather than once a test."""
    return make_app()


@pytest.fixture
def app(shared_app):
    """The module's app, with test settings; a test that needs others makes its own app with
    make_app(...), and one that changes the shared app's settings fails."""
    settings = dict(shared_app.config)
    yield shared_app
    assert dict(shared_app.config) == settings, "a test changed the shared app: use make_app"


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def listener():
    """A loopback server that counts connections: proof that nothing was fetched."""
    server = Listener()
    yield server
    server.close()


@pytest.fixture(scope="session")
def serve():
    """Serve an app on 127.0.0.1 in a thread: serve(app) -> a LiveServer (.url, .app).

    The one way the tests run a real server. Servers stop at the end of the run, or at the end
    of a `with serve(app) as server:` block.
    """
    servers = []

    def start(app, quiet: bool = False) -> LiveServer:
        server = LiveServer(app, quiet=quiet)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def small_directory(monkeypatch, tmp_path):
    """Use the small directory and law file in tests/data, and clear every cache that holds them."""
    for name in ("platforms.toml", "law.toml"):
        shutil.copy(DATA / name, tmp_path / name)
    monkeypatch.setattr(platforms, "DATA_FILE", tmp_path / "platforms.toml")
    monkeypatch.setattr(law, "DATA_FILE", tmp_path / "law.toml")
    caches = (platforms.directory, platforms._host_index, law.all_laws)
    for cached in caches:
        cached.cache_clear()
    yield tmp_path
    for cached in caches:
        cached.cache_clear()
