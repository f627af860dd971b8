"""The environment variables that hold credentials: j1sync's own (the plan key, the
GitHub token) and every system's API key (providers/registry.py). No `${env:}` reference
may name one (a manifest or a saved plan would otherwise send it to a webhook), and their
values are removed from anything j1sync prints."""

from __future__ import annotations

import os
from collections.abc import Mapping

from j1sync.providers.registry import system_credential_variables

ENV_PLAN_KEY = "J1SYNC_PLAN_KEY"  # signs saved plans (`plan --out`, `apply --plan`)
ENV_GITHUB_TOKEN = "GITHUB_TOKEN"  # the `j1sync github` commands' token
OWN_CREDENTIAL_VARIABLES = frozenset({ENV_PLAN_KEY, ENV_GITHUB_TOKEN})


def credential_variables() -> frozenset[str]:
    """j1sync's own credential variables and every registered system's."""
    return OWN_CREDENTIAL_VARIABLES | system_credential_variables()


def credential_values(env: Mapping[str, str] | None = None) -> list[str]:
    """The values of the credential variables that are set (to redact them): every
    system's API key, the plan key and the GitHub token."""
    environment = os.environ if env is None else env
    return [value for name in sorted(credential_variables()) if (value := environment.get(name))]
