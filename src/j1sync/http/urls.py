"""The base URL check every system's client makes before sending an API key there
(https://, or http:// to a loopback address only), and `is_loopback`, which the emulators'
--host check and the apply lock's settle time use too. Names no system."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from j1sync.errors import ConfigError

_LOOPBACK_NAMES = frozenset({"localhost"})


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses: the only hosts plain http:// may reach."""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# a query or fragment (`?token=...`): what a URL may carry of a credential, with the
# user information before its last `@`
_QUERY_OR_FRAGMENT = re.compile(r"[?#]")


def shown_url(url: str) -> str:
    """`url` as an error message may show it: any user:password (all before the last `@`
    back to the `//`, or to the start when there is none: `http//user:pass@host`, a
    mistyped scheme, as much as `https://user:pass@host`) replaced by `...`, and a query
    and a fragment by `?...` and `#...`, whether or not the rest of it parses. An `@`
    after a `?` or `#` may end a password holding one (`user:pa#ss@host`) as well as sit
    in a query: then all after the `//` is `...`."""
    cut = _QUERY_OR_FRAGMENT.search(url)
    head = url[: cut.start()] if cut else url
    at = url.rfind("@")
    if at >= 0:
        slashes = url.find("//", 0, at)
        start = slashes + 2 if slashes >= 0 else 0
        if at >= len(head):
            return f"{url[:start]}..."
        head = f"{head[:start]}...{head[at:]}"
    tail = url[cut.start() :] if cut else ""  # as urlsplit: the first `#` starts a fragment
    query = "?..." if tail.partition("#")[0] else ""
    return head + query + ("#..." if "#" in tail else "")


@dataclass(frozen=True)
class UrlWording:
    """How check_base_url's messages name what they are about: the systems' API URLs come
    from several places (a variable, j1sync.yaml, a flag; their callers say which), and
    carry an API key; GitHub's comes from GITHUB_API_URL and carries the GitHub token."""

    setting: str | None = None  # the variable the URL was read from, when it is one
    credential: str = "the API key"
    expected: str = "https://host[:port]"

    @property
    def name(self) -> str:
        return self.setting or "API URL"


API_URL = UrlWording()


def check_base_url(
    url: str, appended: str, *, allow_path: bool = False, wording: UrlWording = API_URL
) -> None:
    """A base URL j1sync may send an API key to: https://, or http:// to loopback only; no
    credentials, query or fragment; a path only when `allow_path` (`appended` says what
    j1sync adds to it), and never an empty segment in it (`//`, also `http://host//`):
    the one rule of every system's. `wording` names the setting and the credential in
    the message."""
    shown = shown_url(url)
    invalid = f"Invalid {wording.name}"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (a port that is not a number from 0 to 65535 raises)
    except ValueError as exc:  # its words may quote the URL: a password's first part
        raise ConfigError(f"{invalid} {shown!r}: {_unparsable(exc)}.") from None
    if any(c.isspace() for c in url):
        raise ConfigError(f"{invalid} {shown!r}: it holds a space or another blank.")
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigError(f"{invalid} {shown!r}: expected {wording.expected}.")
    if "//" in parts.path:  # a typo: j1sync would send it on, whatever it appends
        raise ConfigError(
            f"{invalid} {shown!r}: its path holds an empty segment (//); give the base URL "
            f"only ({appended})."
        )
    if (parts.path not in ("", "/") and not allow_path) or parts.query or parts.fragment:
        raise ConfigError(f"{invalid} {shown!r}: give the base URL only ({appended}).")
    if parts.username or parts.password:
        raise ConfigError(f"{invalid}: credentials in the URL are not allowed.")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        where = f" ({wording.setting})" if wording.setting else ""
        raise ConfigError(
            f"Refusing plain http:// to {parts.hostname}{where}: {wording.credential} would "
            "travel unencrypted. Use https://, or http:// only to a loopback address "
            "(127.0.0.1, localhost, ::1)."
        )


def _unparsable(exc: ValueError) -> str:
    """Why urlsplit refused a URL, without its words' quotes of it: a password holding `/`,
    `?` or `#` ends the host part there, its first part then read as the port ("Port could
    not be cast to integer value as 'pa'"); one holding a character that stands for one
    once normalised (U+FF03, the full-width number sign) is quoted with the whole host part."""
    text = str(exc)
    if text.startswith(("Invalid IPv6 URL", "Port out of range")):
        return text  # they quote nothing
    if text.startswith("Port"):
        return "the port is not a number (a password holding /, ? or # would end there)"
    return "the host part holds characters that are not allowed"


def check_credential(value: str, variable: str, noun: str) -> None:
    """A credential j1sync can send in an HTTP header: visible ASCII only. A line break, a
    space or another character it may not hold (a key pasted with its newline) is an error
    that names the variable and the position, never the value (the HTTP library's own
    error would quote the whole header, key included)."""
    for position, char in enumerate(value, start=1):
        if "!" <= char <= "~":
            continue
        if char in "\r\n":
            what = "a line break"
        elif char.isspace():
            what = "a space or another blank"
        elif char.isascii():
            what = "a control character"
        else:
            what = "a character that is not ASCII"
        raise ConfigError(
            f"{variable} holds {what} at character {position} of {len(value)}: the {noun} "
            "goes in an HTTP header, which takes visible ASCII characters only (was it "
            "pasted with a line break or a space?)."
        )
