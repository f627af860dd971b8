"""How to reach one xyOps server: its base URL and an API key (docs/xyops.md).

From the environment (XYOPS_URL, XYOPS_API_KEY), with j1sync.yaml's `xyops:` section and
command-line flags overriding the URL. The API key is held here and nowhere else; `repr()`
never shows it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from j1sync.errors import ConfigError
from j1sync.http.retry import DEFAULT_RETRY_BUDGET_S, DEFAULT_TIMEOUT_S
from j1sync.http.urls import check_base_url

ENV_API_KEY = "XYOPS_API_KEY"
ENV_URL = "XYOPS_URL"

# What j1sync appends to the base URL: every call is /api/app/<name>/v1.
API_PATH = "/api/app"


@dataclass(frozen=True)
class XyopsSettings:
    """Everything needed to reach one xyOps server."""

    api_key: str = field(repr=False)
    url: str
    timeout: float = DEFAULT_TIMEOUT_S  # seconds per HTTP request
    retry_budget_s: float = DEFAULT_RETRY_BUDGET_S  # total time one request may spend retrying

    def __post_init__(self) -> None:
        if not self.api_key:
            raise ConfigError(f"No xyOps API key: set {ENV_API_KEY}.")
        if not self.url:
            raise ConfigError(
                f"No xyOps URL: set {ENV_URL} or `url:` in j1sync.yaml's xyops section."
            )
        check_base_url(self.url, f"j1sync appends {API_PATH}/<call>/v1", allow_path=True)
        if self.timeout <= 0 or self.retry_budget_s < 0:
            raise ConfigError("timeout must be positive and retry budget non-negative.")

    def __repr__(self) -> str:
        # Spelled out so that the key can never leak through a dataclass repr change.
        return (
            f"XyopsSettings(url={self.base_url!r}, timeout={self.timeout}, "
            f"retry_budget_s={self.retry_budget_s})"
        )

    @property
    def base_url(self) -> str:
        return self.url.rstrip("/")

    def call_url(self, name: str) -> str:
        """The URL of one API call, e.g. get_multiple -> <base>/api/app/get_multiple/v1."""
        return f"{self.base_url}{API_PATH}/{name}/v1"

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        /,
        target: Mapping[str, Any] | None = None,
        **overrides: Any,
    ) -> XyopsSettings:
        """Settings from the environment (default `os.environ`), then j1sync.yaml's xyops
        section (`target`: url; an emulator's `apiKey` when one serves), then keyword
        overrides (flags) when not None."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {
            "api_key": env.get(ENV_API_KEY, ""),
            "url": env.get(ENV_URL, ""),
        }
        if target and target.get("url"):
            values["url"] = str(target["url"])
        if target and target.get("apiKey"):  # an emulator's (connection.open_system)
            values["api_key"] = str(target["apiKey"])
        unknown = set(overrides) - set(cls.__dataclass_fields__)
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
