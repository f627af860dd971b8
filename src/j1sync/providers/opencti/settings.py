"""How to reach one OpenCTI platform: its base URL and an API token (docs/opencti.md).

From the environment (OPENCTI_URL, OPENCTI_TOKEN), with j1sync.yaml's `opencti:` section
overriding the URL. The URL is the platform's base URL, as pycti takes it; the GraphQL API
is `<url>/graphql`. The token (a user's API key, sent as `Authorization: Bearer`) is held
here and nowhere else; `repr()` never shows it (j1sync.http.server_settings).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from j1sync.http.server_settings import ServerSettings

NAME = "opencti"  # the system's name: its section of j1sync.yaml, its kinds' qualifier
TITLE = "OpenCTI"  # how messages and outputs name it

ENV_TOKEN = "OPENCTI_TOKEN"
ENV_URL = "OPENCTI_URL"

# What j1sync appends to the base URL (pycti: api_url = url + "/graphql").
GRAPHQL_PATH = "/graphql"


@dataclass(frozen=True, kw_only=True, repr=False)
class OpenCtiSettings(ServerSettings):
    """Everything needed to reach one OpenCTI platform (j1sync.http.server_settings)."""

    title = TITLE
    section = NAME
    env_url = ENV_URL
    env_credential = ENV_TOKEN
    credential_field = "token"
    credential_noun = "token"
    appended = GRAPHQL_PATH

    token: str = field(repr=False)

    @property
    def api_key(self) -> str:
        """The token, under the name the engine reads (a saved plan's signing key)."""
        return self.token

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}{GRAPHQL_PATH}"
