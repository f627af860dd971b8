"""Connection settings: environment, flags, regions, refusing plain http, hiding the key."""

from __future__ import annotations

import pytest

from j1sync.errors import ConfigError
from j1sync.providers.jupiterone.settings import Settings

KEY = "s3cr3t-Key-0123456789"
ENV = {"JUPITERONE_API_KEY": KEY, "JUPITERONE_ACCOUNT_ID": "acct-1"}


def test_environment_gives_key_account_and_us_base_url() -> None:
    settings = Settings.from_env(ENV)
    assert settings.account == "acct-1"
    assert settings.base_url == "https://api.us.jupiterone.io"


def test_region_and_flags_override_the_environment() -> None:
    settings = Settings.from_env({**ENV, "JUPITERONE_REGION": "eu"}, account="acct-2")
    assert settings.base_url == "https://api.eu.jupiterone.io"
    assert settings.account == "acct-2"
    assert Settings.from_env(environ=ENV, region=None).region == "us"  # None = flag not given


def test_api_url_override_from_environment() -> None:
    settings = Settings.from_env({**ENV, "JUPITERONE_API_URL": "https://j1.example.com/"})
    assert settings.base_url == "https://j1.example.com"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"JUPITERONE_ACCOUNT_ID": "a"}, "JUPITERONE_API_KEY"),
        ({"JUPITERONE_API_KEY": KEY}, "JUPITERONE_ACCOUNT_ID"),
    ],
)
def test_missing_key_or_account_is_a_config_error(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost", "[::1]:9000"])
def test_plain_http_is_allowed_to_loopback(host: str) -> None:
    assert Settings(KEY, "a", api_url=f"http://{host}").base_url == f"http://{host}"


@pytest.mark.parametrize(
    "url", ["http://api.us.jupiterone.io", "http://10.0.0.1", "ftp://x", "https://h/graphql"]
)
def test_plain_http_elsewhere_and_odd_urls_are_refused(url: str) -> None:
    with pytest.raises(ConfigError):
        Settings(KEY, "a", api_url=url)


def test_key_is_never_in_repr_or_str() -> None:
    settings = Settings.from_env(ENV)
    assert KEY not in repr(settings)
    assert KEY not in str(settings)
    assert "acct-1" in repr(settings)
