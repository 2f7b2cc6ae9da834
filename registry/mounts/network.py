"""Fetching a file mount's URL without letting a user reach into the network Mulu runs in.

Anyone who may attach a file may type a URL, and Mulu fetches it (``GET``
when the file is attached, ``HEAD`` at each check). Left alone, that would let
a compiler make Mulu call its own loopback services, the cloud's metadata
address (169.254.169.254) or any machine of the government network, and learn
from the outcome which of them answer. So:

* the host is resolved once and every address it resolves to must be a public
  one — loopback, link-local, private, shared, reserved, multicast and
  unspecified addresses are refused, IPv4 and IPv6 alike (an IPv4-mapped,
  6to4 or NAT64 IPv6 address is judged by the IPv4 address inside it);
* the connection goes to the address that was checked (the ``Host`` header
  and the TLS server name stay the URL's own, so virtual hosts and
  certificates work), so a name cannot resolve to a public address for the
  check and to an internal one for the connection (DNS rebinding);
* redirects are followed only after the same check of the new location, at
  most :data:`MAX_REDIRECTS` of them;
* no proxy is used (``http_proxy`` and the like are ignored): a proxy would
  resolve the name itself, after the check.

A deployment whose files live on internal servers names them in
``MULU_MOUNT_ALLOWED_HOSTS`` (see :class:`HostPolicy`). Failures raise
:class:`FetchFailed` with the details, for the server's log only: the caller
shows the user one message, whatever went wrong.
"""
from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from registry.core.errors import ConfigError

#: Environment variable: hosts a file's URL may be fetched from although they are not public (see :class:`HostPolicy`).
ALLOWED_HOSTS_ENV = "MULU_MOUNT_ALLOWED_HOSTS"
#: Redirects followed (each location checked like the first) before giving up.
MAX_REDIRECTS = 5
_REDIRECTS = (301, 302, 303, 307, 308)
_HOST_NAME = re.compile(r"^(?:\*\.|\.)?[a-z0-9_](?:[a-z0-9_\-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_\-]{0,62}))*$")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class FetchFailed(Exception):
    """A URL could not be fetched; the message is for the server's log, never for the user."""


@dataclass(frozen=True)
class HostPolicy:
    """Where files may be fetched from: any public address, and the hosts the deployment allows besides.

    ``MULU_MOUNT_ALLOWED_HOSTS`` is a comma-separated list of
    host names (``files.example.gov.cn``: that host, whatever it resolves to),
    domains (``.example.gov.cn`` or ``*.example.gov.cn``: every host under
    it), and addresses or networks (``10.20.0.0/16``, ``192.168.1.5``,
    ``fd00::/8``: any host resolving there). Empty (the default): public
    addresses only.
    """

    names: frozenset[str] = frozenset()
    domains: tuple[str, ...] = ()
    networks: tuple[_Network, ...] = ()

    @classmethod
    def parse(cls, value: str | None, where: str = ALLOWED_HOSTS_ENV) -> HostPolicy:
        names: set[str] = set()
        domains: list[str] = []
        networks: list[_Network] = []
        for raw in (value or "").split(","):
            entry = raw.strip().lower()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            entry = entry.rstrip(".")
            if not _HOST_NAME.match(entry):
                raise ConfigError(f"{where}：“{raw.strip()}”既不是主机名，也不是 IP 地址或网段（如 files.example.gov.cn、"
                                  f".example.gov.cn、10.20.0.0/16）")
            if entry.startswith("*."):
                domains.append(entry[1:])
            elif entry.startswith("."):
                domains.append(entry)
            else:
                names.add(entry)
        return cls(frozenset(names), tuple(domains), tuple(networks))

    def allows_name(self, host: str) -> bool:
        name = host.lower().rstrip(".")
        return name in self.names or any(name.endswith(domain) for domain in self.domains)

    def allows_address(self, address: _Address) -> bool:
        return is_public(address) or any(address in network for network in self.networks)


def is_public(address: _Address) -> bool:
    """Whether an address is one on the public internet (not loopback, link-local, private, reserved …)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
        if address.is_site_local:
            return False
    return address.is_global and not (
        address.is_private or address.is_loopback or address.is_link_local or address.is_multicast
        or address.is_reserved or address.is_unspecified)


def vetted_address(host: str, port: int, policy: HostPolicy) -> str:
    """The address to connect to for ``host``: refused unless *every* address it resolves to may be fetched."""
    literal = _literal(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise FetchFailed(f"cannot resolve {host!r}: {exc}") from None
        addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in found))
    if not addresses:
        raise FetchFailed(f"{host!r} resolves to no address")
    if literal is None and policy.allows_name(host):
        return str(addresses[0])
    refused = [str(a) for a in addresses if not policy.allows_address(a)]
    if refused:
        raise FetchFailed(f"{host!r} resolves to an address that is not public and not allowed by "
                          f"{ALLOWED_HOSTS_ENV}: {', '.join(refused)}")
    return str(addresses[0])


def _literal(host: str) -> _Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


# -- connecting to the checked address ------------------------------------------------------

def tls_context() -> ssl.SSLContext:
    """Certificates are verified against the URL's host name (tests replace this to trust their own)."""
    return ssl.create_default_context()


class _Pinned:
    """An ``http.client`` connection that opens its socket to a given address, not to what ``host`` resolves to now.
    Everything else — the ``Host`` header, the TLS server name and certificate check — uses ``host``."""

    def _pin(self, address: str) -> None:
        self._create_connection = lambda where, timeout, source=None: socket.create_connection((address, where[1]), timeout, source)


class PinnedHTTPConnection(_Pinned, http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._pin(address)


class PinnedHTTPSConnection(_Pinned, http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=tls_context())
        self._pin(address)


@contextmanager
def opened_url(url: str, method: str, policy: HostPolicy, timeout: float) -> Iterator[http.client.HTTPResponse]:
    """The response to ``method url`` (``GET`` or ``HEAD``), after each location passed :func:`vetted_address`.

    Raises :class:`FetchFailed` for a refused address, a failed connection, an
    error status, a redirect loop; ``timeout`` limits the connection and each read.
    """
    for _ in range(MAX_REDIRECTS + 1):
        connection = _connection(url, policy, timeout)
        try:
            connection.request(method, _request_target(url), headers={"User-Agent": "Mulu", "Accept-Encoding": "identity"})
            response = connection.getresponse()
        except (OSError, http.client.HTTPException, ValueError, UnicodeError) as exc:
            connection.close()
            raise FetchFailed(f"{method} {url}: {type(exc).__name__}: {exc}") from None
        if response.status in _REDIRECTS:
            location = response.getheader("Location")
            connection.close()
            if not location:
                raise FetchFailed(f"{method} {url}: HTTP {response.status} without a Location")
            url = urllib.parse.urljoin(url, location.strip())
            continue
        if not 200 <= response.status < 300:
            connection.close()
            raise FetchFailed(f"{method} {url}: HTTP {response.status}")
        try:
            yield response
        finally:
            connection.close()
        return
    raise FetchFailed(f"{method}: more than {MAX_REDIRECTS} redirects, the last to {url}")


def _connection(url: str, policy: HostPolicy, timeout: float) -> http.client.HTTPConnection:
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchFailed(f"{url!r}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchFailed(f"{url!r}: not an http(s) URL")
    if parts.username or parts.password:
        raise FetchFailed(f"{url!r}: credentials in the URL")
    try:
        host = parts.hostname.encode("idna").decode("ascii") if not parts.hostname.isascii() else parts.hostname
    except UnicodeError:
        raise FetchFailed(f"{url!r}: host name cannot be encoded") from None
    secure = parts.scheme == "https"
    port = port or (443 if secure else 80)
    address = vetted_address(host, port, policy)
    kind = PinnedHTTPSConnection if secure else PinnedHTTPConnection
    return kind(host, port, address, timeout)


def _request_target(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    path = urllib.parse.quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = urllib.parse.quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return f"{path}?{query}" if query else path
