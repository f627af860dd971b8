"""JupiterOne's connection flags (plan, apply, drift, export, unlock): added to those
commands through the registry (extras["connection_options"]); the command hands their
values to JupiterOne's `connect` as `ConnectionOptions.flags`, by parameter name."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import click

from j1sync.providers.jupiterone.endpoints import (
    DEFAULT_ENDPOINT_MODE,
    ENDPOINT_MODES,
    ENV_ENDPOINT_MODE,
)
from j1sync.providers.jupiterone.settings import ENV_ACCOUNT, ENV_API_URL, ENV_REGION

# the parameter names, as `connect` reads them from ConnectionOptions.flags
API_URL, ACCOUNT, REGION, ENDPOINT_MODE = "api_url", "account", "region", "endpoint_mode"


def connection_options() -> list[tuple[str, Callable[[Any], Any]]]:
    """(parameter name, click option) per flag, in the order the help lists them."""
    return [
        (
            API_URL,
            click.option(
                "--api-url",
                API_URL,
                envvar=ENV_API_URL,
                show_envvar=True,
                help="JupiterOne: base URL override.",
            ),
        ),
        (
            ACCOUNT,
            click.option(
                "--account",
                ACCOUNT,
                envvar=ENV_ACCOUNT,
                show_envvar=True,
                help="JupiterOne: account id.",
            ),
        ),
        (
            REGION,
            click.option(
                "--region",
                REGION,
                envvar=ENV_REGION,
                show_envvar=True,
                help="JupiterOne: region, us (default) or eu.",
            ),
        ),
        (
            ENDPOINT_MODE,
            click.option(
                "--endpoint-mode",
                ENDPOINT_MODE,
                type=click.Choice(ENDPOINT_MODES),
                default=DEFAULT_ENDPOINT_MODE,
                show_default=True,
                envvar=ENV_ENDPOINT_MODE,
                show_envvar=True,
                help="JupiterOne: gateway: every request to "
                "https://graphql.<region>.jupiterone.io/ (as JupiterOne's own clients do); "
                "per-area: the documented /graphql, /rules/graphql and /iam/graphql of "
                "https://api.<region>.jupiterone.io.",
            ),
        ),
    ]


def flag(options: Any, name: str) -> Any:
    """A JupiterOne flag's value in a command's ConnectionOptions (None when not given)."""
    flags: Mapping[str, Any] = getattr(options, "flags", None) or {}
    return flags.get(name)
