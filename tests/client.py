"""A cookie-keeping HTTP client for tests against a live server, behaving as a browser would with forms."""
from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Keeps cookies, does not follow redirects (tests look at them), and reads CSRF tokens from forms."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.headers: dict[str, str] = {}

    def request(self, path: str, data: dict | list | None = None):
        """GET, or POST ``data`` (a dict, or a list of pairs to repeat names and keep their order)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            response = self.opener.open(urllib.request.Request(self.base + path, data=body), timeout=10)
            status, text, headers = response.status, response.read().decode(errors="replace"), response.headers
        except urllib.error.HTTPError as exc:
            status, text, headers = exc.code, exc.read().decode(), exc.headers
        self.headers = dict(headers)
        return status, text

    @property
    def location(self) -> str:
        """Where the last response redirected to, as a path on this server."""
        location = self.headers["Location"]
        return location.removeprefix(self.base)

    def follow(self):
        """GET where the last response redirected to."""
        return self.request(self.location)

    def csrf(self, path: str) -> str:
        _, page = self.request(path)
        return token_in(page)

    def login(self, username: str, password: str, next_path: str = ""):
        token = self.csrf("/login")
        return self.request("/login" + next_path, {"csrf_token": token, "username": username, "password": password})


def signed_in(base: str, username: str, password: str) -> Browser:
    """A browser signed in as ``username``."""
    browser = Browser(base)
    assert browser.login(username, password)[0] == 302, f"{username} could not sign in"
    return browser


def token_in(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
