"""Fetching a file mount's URL: public addresses only (or what MULU_MOUNT_ALLOWED_HOSTS allows), the checked address
connected to, redirects checked hop by hop, and one answer for the user whatever failed."""
from __future__ import annotations

import hashlib
import ipaddress
import logging
import shutil
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from factories import entry
from mountkit import make_world, sources

from registry.catalog.operations import create_item
from registry.core.errors import ConfigError, ValidationError
from registry.mounts import network
from registry.mounts.checks import check_mount
from registry.mounts.files import FETCH_FAILED
from registry.mounts.models import CheckStatus
from registry.mounts.network import HostPolicy, is_public
from registry.mounts.operations import add_file_mount
from registry.mounts.sources import Sources

SPREADSHEET = {"format_class": "spreadsheet", "format_type": "xlsx", "share_method_type": "file"}
CONTENT = b"workbook bytes"


class _Handler(BaseHTTPRequestHandler):
    """``/qiye.xlsx`` is a file; ``/to?<url>`` redirects there; every request is recorded with its Host header."""

    def do_GET(self):
        self._answer(body=True)

    def do_HEAD(self):
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        self.server.seen.append((self.command, self.path, self.headers.get("Host")))
        if self.path.startswith("/to?"):
            self.send_response(302)
            self.send_header("Location", self.path[len("/to?"):])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/loop":
            self.send_response(301)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/qiye.xlsx":
            self.send_response(200)
            self.send_header("Content-Length", str(len(CONTENT)))
            self.send_header("Last-Modified", "Sun, 01 Mar 2026 08:00:00 GMT")
            self.end_headers()
            if body:
                self.wfile.write(CONTENT)
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def log_message(self, *args):
        pass


def _serve(wrap=None):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.seen = []
    if wrap is not None:
        server.socket = wrap(server.socket)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture()
def web():
    server = _serve()
    yield server, server.server_port
    server.shutdown()
    server.server_close()


@pytest.fixture()
def item(ctx):
    world = make_world(ctx)
    return create_item(ctx, entry(world.orgs.dept, **SPREADSHEET)).item


def refused(ctx, item, src, url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        add_file_mount(ctx, item, src, url=url)
    assert [(e.field, e.message) for e in caught.value.errors] == [("url", FETCH_FAILED)]


@pytest.fixture()
def resolver(monkeypatch):
    """Names of our own choosing resolved to addresses of our own choosing (``names[host] = [address, …]``)."""
    names: dict[str, list[str]] = {}
    calls: list[str] = []
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        if host in names:
            calls.append(host)
            return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in names[host]]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return names, calls


# -- the policy ------------------------------------------------------------------------------------

@pytest.mark.parametrize("address,public", [
    ("8.8.8.8", True), ("2001:4860:4860::8888", True), ("::ffff:8.8.8.8", True),
    ("127.0.0.1", False), ("127.8.9.10", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("224.0.0.1", False), ("239.255.0.1", False),
    ("240.0.0.1", False), ("255.255.255.255", False), ("198.18.0.1", False),
    ("::1", False), ("::", False), ("fe80::1", False), ("fc00::1", False), ("fd12:3456::1", False), ("fec0::1", False),
    ("ff02::1", False), ("::ffff:127.0.0.1", False), ("::ffff:10.0.0.1", False), ("::ffff:169.254.169.254", False),
    ("2002:7f00:1::", False), ("64:ff9b::a00:1", False), ("64:ff9b::808:808", True),
])
def test_only_public_addresses_are_public(address, public):
    assert is_public(ipaddress.ip_address(address)) is public


def test_the_allow_list_names_hosts_domains_and_networks():
    policy = HostPolicy.parse(" files.Example.gov.cn, .intra.gov.cn ,*.lan.test, 10.20.0.0/16, 192.168.1.5, fd00::/8,, ")
    assert policy.allows_name("FILES.example.gov.cn.") and not policy.allows_name("example.gov.cn")
    assert policy.allows_name("a.b.intra.gov.cn") and policy.allows_name("x.lan.test") and not policy.allows_name("intra.gov.cn")
    for address, allowed in (("10.20.3.4", True), ("10.21.0.1", False), ("192.168.1.5", True), ("192.168.1.6", False),
                             ("fd00::5", True), ("::1", False), ("8.8.8.8", True)):
        assert policy.allows_address(ipaddress.ip_address(address)) is allowed
    assert HostPolicy.parse(None) == HostPolicy.parse("") == HostPolicy()
    with pytest.raises(ConfigError, match="MULU_MOUNT_ALLOWED_HOSTS：“http://x/”既不是主机名"):
        HostPolicy.parse("http://x/")


def test_the_allow_list_is_read_from_the_environment(tmp_path):
    assert Sources.for_instance(tmp_path, {}).allowed_hosts == HostPolicy()
    src = Sources.for_instance(tmp_path, {"MULU_MOUNT_ALLOWED_HOSTS": "127.0.0.1,files.intra"})
    assert src.allowed_hosts.allows_address(ipaddress.ip_address("127.0.0.1")) and src.allowed_hosts.allows_name("files.intra")
    with pytest.raises(ConfigError):
        Sources.for_instance(tmp_path, {"MULU_MOUNT_ALLOWED_HOSTS": "not a host"})


# -- refusals --------------------------------------------------------------------------------------

def test_internal_addresses_are_refused_without_being_contacted(ctx, tmp_path, item, web, resolver):
    server, port = web
    names, _ = resolver
    names["metadata.example.test"] = ["169.254.169.254"]
    names["mixed.example.test"] = ["93.184.216.34", "127.0.0.1"]  # one internal answer is enough to refuse
    src = sources(tmp_path)  # nothing allowed besides public addresses
    for url in (f"http://127.0.0.1:{port}/qiye.xlsx", f"http://localhost:{port}/qiye.xlsx", f"http://[::1]:{port}/qiye.xlsx",
                f"http://[::ffff:127.0.0.1]:{port}/qiye.xlsx", f"http://2130706433:{port}/qiye.xlsx",
                f"http://0.0.0.0:{port}/qiye.xlsx", "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/x",
                "http://10.0.0.1/x", "http://172.16.5.4/x", "http://192.168.1.1/x", "http://100.64.0.1/x",
                "http://224.0.0.1/x", "http://[fd00::1]/x", "https://metadata.example.test/latest",
                f"http://mixed.example.test:{port}/qiye.xlsx"):
        refused(ctx, item, src, url)
    assert server.seen == []  # refused before any connection


def test_every_failure_gives_the_user_the_same_answer_and_the_log_the_reason(ctx, tmp_path, item, web, caplog):
    _, port = web
    caplog.set_level(logging.WARNING, logger="registry.mounts.files")
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    closed_port = free.getsockname()[1]
    free.close()
    src = sources(tmp_path, allow="127.0.0.1")
    for url in (f"http://127.0.0.1:{port}/gone.xlsx",  # 404
                f"http://127.0.0.1:{closed_port}/qiye.xlsx",  # connection refused
                "http://name-that-does-not-exist.invalid/qiye.xlsx",  # no such name
                "http://10.0.0.1/x"):  # not allowed
        refused(ctx, item, src, url)
    logged = caplog.text
    assert "HTTP 404" in logged and "ConnectionRefusedError" in logged and "cannot resolve" in logged
    assert "not public and not allowed by MULU_MOUNT_ALLOWED_HOSTS: 10.0.0.1" in logged


def test_redirects_are_checked_at_each_hop(ctx, tmp_path, item, web):
    server, port = web
    src = sources(tmp_path, allow="127.0.0.1")
    for target in ("http://192.168.0.1/x", "http://169.254.169.254/latest/meta-data/", "http://[::1]/x",
                   "http://10.0.0.1:8080/qiye.xlsx", "ftp://127.0.0.1/qiye.xlsx"):
        refused(ctx, item, src, f"http://127.0.0.1:{port}/to?{target}")
    refused(ctx, item, src, f"http://127.0.0.1:{port}/loop")
    assert len([p for _, p, _ in server.seen if p == "/loop"]) == network.MAX_REDIRECTS + 1
    mount = add_file_mount(ctx, item, src, url=f"http://127.0.0.1:{port}/to?/qiye.xlsx")  # an allowed hop is followed
    assert mount.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert mount.url == f"http://127.0.0.1:{port}/to?/qiye.xlsx"


def test_loopback_by_another_spelling_is_not_let_through_by_an_allowed_address(ctx, tmp_path, item, web):
    _, port = web
    refused(ctx, item, sources(tmp_path, allow="127.0.0.2"), f"http://127.0.0.1:{port}/qiye.xlsx")
    refused(ctx, item, sources(tmp_path, allow="10.0.0.0/8"), f"http://localhost:{port}/qiye.xlsx")


# -- allowed hosts ----------------------------------------------------------------------------------

def test_an_allowed_host_is_fetched_and_checked(ctx, tmp_path, item, web):
    server, port = web
    src = Sources.for_instance(tmp_path, {"MULU_MOUNT_ALLOWED_HOSTS": "127.0.0.0/8"})
    mount = add_file_mount(ctx, item, src, url=f"http://127.0.0.1:{port}/qiye.xlsx")
    assert (mount.file_size, mount.sha256) == (len(CONTENT), hashlib.sha256(CONTENT).hexdigest())
    assert check_mount(ctx, mount, src) is CheckStatus.OK
    assert [c for c, _, _ in server.seen] == ["GET", "HEAD"]
    assert check_mount(ctx, mount, sources(tmp_path)) is CheckStatus.ERROR and mount.error == FETCH_FAILED  # allowed no more


def test_an_allowed_name_is_connected_at_the_address_checked_with_its_own_host_header(ctx, tmp_path, item, web, resolver):
    server, port = web
    names, calls = resolver
    names["files.intra.test"] = ["127.0.0.1"]
    mount = add_file_mount(ctx, item, sources(tmp_path, allow="files.intra.test"), url=f"http://files.intra.test:{port}/qiye.xlsx")
    assert mount.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert server.seen == [("GET", "/qiye.xlsx", f"files.intra.test:{port}")]
    assert calls == ["files.intra.test"]  # resolved once, by the check


def test_a_name_that_changes_its_answer_after_the_check_is_not_followed_there(ctx, tmp_path, item, web, resolver, monkeypatch):
    """DNS rebinding: the name resolves to an allowed address for the check, then to another; Mulu connects to the
    address it checked and does not ask again."""
    server, port = web
    names, calls = resolver
    names["rebind.example.test"] = ["127.0.0.1"]
    real_vetted = network.vetted_address

    def vetted_then_rebound(host, port_, policy):
        address = real_vetted(host, port_, policy)
        names[host] = ["10.66.66.66"]  # what any later lookup would get
        return address

    monkeypatch.setattr(network, "vetted_address", vetted_then_rebound)
    mount = add_file_mount(ctx, item, sources(tmp_path, allow="127.0.0.1"), url=f"http://rebind.example.test:{port}/qiye.xlsx")
    assert mount.sha256 == hashlib.sha256(CONTENT).hexdigest() and calls == ["rebind.example.test"]
    assert server.seen == [("GET", "/qiye.xlsx", f"rebind.example.test:{port}")]


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a test certificate")
def test_https_checks_the_certificate_against_the_urls_host_while_connecting_to_the_checked_address(
        ctx, tmp_path, item, resolver, monkeypatch):
    names, _ = resolver
    names["files.intra.test"] = ["127.0.0.1"]
    names["other.intra.test"] = ["127.0.0.1"]
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=files.intra.test",
                    "-addext", "subjectAltName=DNS:files.intra.test", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    served = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    served.load_cert_chain(cert, key)
    names_seen = []
    served.sni_callback = lambda sock, name, context: names_seen.append(name)
    server = _serve(lambda sock: served.wrap_socket(sock, server_side=True))
    trusting = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(network, "tls_context", lambda: trusting)
    try:
        src = sources(tmp_path, allow=".intra.test")
        mount = add_file_mount(ctx, item, src, url=f"https://files.intra.test:{server.server_port}/qiye.xlsx")
        assert mount.sha256 == hashlib.sha256(CONTENT).hexdigest()
        assert names_seen[0] == "files.intra.test"  # SNI is the URL's host, not the address connected to
        refused(ctx, item, src, f"https://other.intra.test:{server.server_port}/qiye.xlsx")  # certificate is not for it
    finally:
        server.shutdown()
        server.server_close()
