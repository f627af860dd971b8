"""JupiterOne's connection settings: which account to talk to, where, how patiently.

Read from the environment (the names JupiterOne's Terraform provider uses) with command-line
flags overriding. The API key is held here and nowhere else; `repr()` never shows it.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from j1sync.errors import ConfigError
from j1sync.http.retry import DEFAULT_RETRY_BUDGET_S, DEFAULT_TIMEOUT_S
from j1sync.http.urls import check_base_url, check_credential
from j1sync.providers.jupiterone.endpoints import (
    DEFAULT_ENDPOINT_MODE,
    ENV_ENDPOINT_MODE,
    parse_endpoint_mode,
)

TITLE = "JupiterOne"  # how messages and outputs name the system and its API

ENV_API_KEY = "JUPITERONE_API_KEY"
ENV_ACCOUNT = "JUPITERONE_ACCOUNT_ID"
ENV_REGION = "JUPITERONE_REGION"
ENV_API_URL = "JUPITERONE_API_URL"
# JUPITERONE_API_KEY is a credential variable (the system's, providers/registry.py): no
# `${env:}` may name it (credentials.py).

DEFAULT_REGION = "us"
# The regions JupiterOne serves (api.<region>.jupiterone.io), as its documentation and
# clients name them: any other host name does not resolve, found only by a run's request.
REGIONS = ("us", "eu")


def check_region(region: str) -> None:
    """A region j1sync builds the API's host name from (api.<region>.jupiterone.io): the
    one rule for j1sync.yaml's `region`, --region and JUPITERONE_REGION."""
    if region in REGIONS:
        return
    meant = _region_meant(region)
    hint = f"; did you mean {meant!r}?" if meant else ""
    raise ConfigError(
        f"Invalid JupiterOne region {region!r} ({ENV_REGION}, --region or `region:` in "
        f"j1sync.yaml): expected {' or '.join(REGIONS)}{hint}"
    )


def _region_meant(region: str) -> str | None:
    """The region a mistyped one most likely means: `US`, `eu-west-1`, `europe`, `usa`."""
    folded = region.strip().casefold()
    for known in REGIONS:
        if folded.startswith(known):
            return known
    near = difflib.get_close_matches(folded, REGIONS, n=1)
    return near[0] if near else None


def check_account(account: str) -> None:
    """An account id j1sync can send: it goes in a header (JupiterOne-Account)."""
    check_credential(
        account,
        f"The account id ({ENV_ACCOUNT}, --account or `account:` in j1sync.yaml)",
        "account id",
    )


@dataclass(frozen=True)
class Settings:
    """Everything needed to reach one account. Construct directly or with `from_env`."""

    api_key: str = field(repr=False)
    account: str
    region: str = DEFAULT_REGION
    api_url: str | None = None  # base URL override (no path), e.g. the emulator's
    timeout: float = DEFAULT_TIMEOUT_S  # seconds per HTTP request
    retry_budget_s: float = DEFAULT_RETRY_BUDGET_S  # total time reads may spend retrying
    # "gateway" (one URL for every operation) or "per-area" (/graphql, /rules/graphql,
    # /iam/graphql): see endpoints.py
    endpoint_mode: str = DEFAULT_ENDPOINT_MODE

    @property
    def credential(self) -> str:
        """What http/client.ApiClient redacts from the server's text: the API key."""
        return self.api_key

    def __post_init__(self) -> None:
        if not self.api_key:
            raise ConfigError(f"No JupiterOne API key: set {ENV_API_KEY}.")
        check_credential(self.api_key, ENV_API_KEY, "API key")
        if not self.account:
            raise ConfigError(
                f"No JupiterOne account id: set {ENV_ACCOUNT} or pass --account "
                "(or `account:` in j1sync.yaml)."
            )
        check_account(self.account)
        check_region(self.region)
        if self.timeout <= 0 or self.retry_budget_s < 0:
            raise ConfigError("timeout must be positive and retry budget non-negative.")
        if self.api_url is not None:
            _check_base_url(self.api_url)
        try:
            parse_endpoint_mode(self.endpoint_mode)
        except ValueError as exc:
            raise ConfigError(f"Invalid endpoint mode: {exc}.") from exc

    def __repr__(self) -> str:
        # Spelled out so that the key can never leak through a dataclass repr change.
        return (
            f"Settings(account={self.account!r}, region={self.region!r}, "
            f"base_url={self.base_url!r}, endpoint_mode={self.endpoint_mode!r}, "
            f"timeout={self.timeout}, "
            f"retry_budget_s={self.retry_budget_s})"
        )

    @property
    def base_url(self) -> str:
        """The API's base URL without a trailing slash; area paths are appended to it."""
        if self.api_url:
            return self.api_url.rstrip("/")
        return f"https://api.{self.region}.jupiterone.io"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, /, **overrides: Any) -> Settings:
        """Settings from the environment (default `os.environ`); keyword overrides (flags)
        win when not None. `environ=` may also be passed by keyword."""
        env = overrides.pop("environ", None) or environ
        env = os.environ if env is None else env
        values: dict[str, Any] = {
            "api_key": env.get(ENV_API_KEY, ""),
            "account": env.get(ENV_ACCOUNT, ""),
            "region": env.get(ENV_REGION) or DEFAULT_REGION,
            "api_url": env.get(ENV_API_URL) or None,
            "endpoint_mode": env.get(ENV_ENDPOINT_MODE) or DEFAULT_ENDPOINT_MODE,
        }
        unknown = set(overrides) - set(cls.__dataclass_fields__)
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _check_base_url(url: str) -> None:
    check_base_url(
        url,
        "j1sync appends / or, with --endpoint-mode per-area, /graphql, /rules/graphql, "
        "/iam/graphql",
    )
