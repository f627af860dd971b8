"""How to reach a server that j1sync finds at one base URL with one credential (an API key
or token): what each such system's settings share. Names no system.

The URL and the credential come from the environment, then j1sync.yaml's section of the
system (`url`; an emulator's `apiKey` when one serves), then keyword overrides (flags).
The credential is held in its settings and nowhere else; `repr()` never shows it.

A system's settings (providers/<system>/settings.py) subclass ServerSettings: a frozen,
keyword-only dataclass with `repr=False` (keeping ServerSettings' repr) adding its
credential field (`field(repr=False)`) and saying, in class variables, what it is called.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlsplit

from j1sync.errors import ConfigError
from j1sync.http.retry import DEFAULT_RETRY_BUDGET_S, DEFAULT_TIMEOUT_S
from j1sync.http.urls import check_base_url, check_credential

S = TypeVar("S", bound="ServerSettings")


@dataclass(frozen=True, kw_only=True)
class ServerSettings:
    """A base URL, the request timeout and the retry budget; a subclass adds its credential."""

    title: ClassVar[str]  # the system, as messages name it ("xyOps")
    section: ClassVar[str]  # its section of j1sync.yaml ("xyops")
    env_url: ClassVar[str]  # the environment variable of the URL
    env_credential: ClassVar[str]  # ... and of the credential
    credential_field: ClassVar[str]  # the subclass's field holding it ("api_key")
    credential_noun: ClassVar[str]  # what messages call it ("API key")
    appended: ClassVar[str]  # what j1sync appends to the base URL ("/graphql")

    url: str
    timeout: float = DEFAULT_TIMEOUT_S  # seconds per HTTP request
    retry_budget_s: float = DEFAULT_RETRY_BUDGET_S  # total time one request may spend retrying

    def __post_init__(self) -> None:
        if not getattr(self, self.credential_field):
            raise ConfigError(f"No {self.title} {self.credential_noun}: set {self.env_credential}.")
        check_credential(
            getattr(self, self.credential_field), self.env_credential, self.credential_noun
        )
        if not self.url:
            raise ConfigError(f"No {self.title} URL: set {self.url_setting}.")
        try:
            self.check_url(self.url)
        except ConfigError as exc:  # name the setting: a mixed project has several URLs
            raise ConfigError(f"{self.title} URL ({self.url_setting}): {exc}") from exc
        if self.timeout <= 0 or self.retry_budget_s < 0:
            raise ConfigError("timeout must be positive and retry budget non-negative.")

    @classmethod
    def check_url(cls, url: str) -> None:
        """A base URL of this system that j1sync may send the credential to (ConfigError
        otherwise): the client's check, and j1sync.yaml's `url` (validate says it too)."""
        check_base_url(url, f"j1sync appends {cls.appended}", allow_path=True)
        fixed = cls.appended.split("/<", 1)[0]  # "/graphql", xyOps's "/api/app"
        if fixed and f"{fixed}/" in f"{urlsplit(url).path.rstrip('/')}/":
            raise ConfigError(
                f"Invalid API URL {url!r}: give the base URL, without {fixed} "
                f"(j1sync appends {cls.appended})."
            )

    def __repr__(self) -> str:
        # Spelled out so that the credential can never leak through a dataclass repr change.
        return (
            f"{type(self).__name__}(url={self.base_url!r}, timeout={self.timeout}, "
            f"retry_budget_s={self.retry_budget_s})"
        )

    @property
    def credential(self) -> str:
        """The credential, whatever the subclass calls its field: for requests and for
        redacting it from what the server says, never for output."""
        return str(getattr(self, self.credential_field))

    @property
    def base_url(self) -> str:
        return self.url.rstrip("/")

    @property
    def url_setting(self) -> str:
        """Where the URL is set, as messages name it."""
        return f"{self.env_url} or `url:` in j1sync.yaml's {self.section} section"

    def not_the_server(self) -> str:
        """What an error adds when the answer is not one of the system's API (another
        system's server, a web page): the URL may be the wrong one."""
        return f"is {self.base_url} the {self.title} server? Check {self.url_setting}"

    @classmethod
    def from_env(
        cls: type[S],
        environ: Mapping[str, str] | None = None,
        /,
        target: Mapping[str, Any] | None = None,
        **overrides: Any,
    ) -> S:
        """Settings from the environment (default `os.environ`), then j1sync.yaml's section
        (`target`: url; an emulator's `apiKey` when one serves), then keyword overrides
        (flags) when not None."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {
            cls.credential_field: env.get(cls.env_credential, ""),
            "url": env.get(cls.env_url, ""),
        }
        if target and target.get("url"):
            values["url"] = str(target["url"])
        if target and target.get("apiKey"):  # an emulator's (connection.open_system)
            values[cls.credential_field] = str(target["apiKey"])
        unknown = set(overrides) - set(cls.__dataclass_fields__)
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
