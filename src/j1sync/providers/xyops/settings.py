"""How to reach one xyOps server: its base URL and an API key (docs/xyops.md).

From the environment (XYOPS_URL, XYOPS_API_KEY), with j1sync.yaml's `xyops:` section and
command-line flags overriding the URL. The API key is held here and nowhere else; `repr()`
never shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from j1sync.http.server_settings import ServerSettings
from j1sync.providers.xyops.values import call_path

NAME = "xyops"  # the system's name: its section of j1sync.yaml, its kinds' qualifier
TITLE = "xyOps"  # how messages and outputs name it

ENV_API_KEY = "XYOPS_API_KEY"
ENV_URL = "XYOPS_URL"


@dataclass(frozen=True, kw_only=True, repr=False)
class XyopsSettings(ServerSettings):
    """Everything needed to reach one xyOps server (j1sync.http.server_settings)."""

    title = TITLE
    section = NAME
    env_url = ENV_URL
    env_credential = ENV_API_KEY
    credential_field = "api_key"
    credential_noun = "API key"
    appended = call_path("<call>")

    api_key: str = field(repr=False)

    def call_url(self, name: str) -> str:
        """The URL of one API call, e.g. get_multiple -> <base>/api/app/get_multiple/v1."""
        return f"{self.base_url}{call_path(name)}"
