"""How to reach one OpenCTI platform: its base URL and an API token (docs/opencti.md).

From the environment (OPENCTI_URL, OPENCTI_TOKEN), with j1sync.yaml's `opencti:` section
overriding the URL. The URL is the platform's base URL, as pycti takes it; the GraphQL API
is `<url>/graphql`. The token (a user's API key, sent as `Authorization: Bearer`) is held
here and nowhere else; `repr()` never shows it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from j1sync.errors import ConfigError
from j1sync.http.retry import DEFAULT_RETRY_BUDGET_S, DEFAULT_TIMEOUT_S
from j1sync.http.urls import check_base_url

ENV_TOKEN = "OPENCTI_TOKEN"
ENV_URL = "OPENCTI_URL"

# What j1sync appends to the base URL (pycti: api_url = url + "/graphql").
GRAPHQL_PATH = "/graphql"


@dataclass(frozen=True)
class OpenCtiSettings:
    """Everything needed to reach one OpenCTI platform."""

    token: str = field(repr=False)
    url: str
    timeout: float = DEFAULT_TIMEOUT_S  # seconds per HTTP request
    retry_budget_s: float = DEFAULT_RETRY_BUDGET_S  # total time one request may spend retrying

    def __post_init__(self) -> None:
        if not self.token:
            raise ConfigError(f"No OpenCTI token: set {ENV_TOKEN}.")
        if not self.url:
            raise ConfigError(
                f"No OpenCTI URL: set {ENV_URL} or `url:` in j1sync.yaml's opencti section."
            )
        check_base_url(self.url, f"j1sync appends {GRAPHQL_PATH}", allow_path=True)
        if self.timeout <= 0 or self.retry_budget_s < 0:
            raise ConfigError("timeout must be positive and retry budget non-negative.")

    def __repr__(self) -> str:
        # Spelled out so that the token can never leak through a dataclass repr change.
        return (
            f"OpenCtiSettings(url={self.base_url!r}, timeout={self.timeout}, "
            f"retry_budget_s={self.retry_budget_s})"
        )

    @property
    def api_key(self) -> str:
        """The token, under the name the engine reads (a saved plan's signing key)."""
        return self.token

    @property
    def base_url(self) -> str:
        return self.url.rstrip("/")

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}{GRAPHQL_PATH}"

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        /,
        target: Mapping[str, Any] | None = None,
        **overrides: Any,
    ) -> OpenCtiSettings:
        """Settings from the environment (default `os.environ`), then j1sync.yaml's opencti
        section (`target`: url; an emulator's `apiKey` when one serves), then keyword
        overrides (flags) when not None."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {"token": env.get(ENV_TOKEN, ""), "url": env.get(ENV_URL, "")}
        if target and target.get("url"):
            values["url"] = str(target["url"])
        if target and target.get("apiKey"):  # an emulator's (connection.open_system)
            values["token"] = str(target["apiKey"])
        unknown = set(overrides) - set(cls.__dataclass_fields__)
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
