"""The xyOps client over HTTP against the emulator: errors mapped from `{code,
description}` and the HTTP status, the key never in a message, reads retried through
429/5xx, writes never repeated after an ambiguous failure; the settings' rules."""

from __future__ import annotations

import socket

import pytest

from j1sync.errors import (
    ApiError,
    AuthError,
    BadUserInput,
    ConfigError,
    NotFound,
    TransientError,
    Unreachable,
)
from j1sync.providers.xyops.client import XyopsClient
from j1sync.providers.xyops.emulator import running_xyops_emulator
from j1sync.providers.xyops.settings import XyopsSettings
from tests.xyops.helpers import client_for


def test_a_wrong_key_is_an_auth_error_that_never_shows_the_key() -> None:
    with running_xyops_emulator() as emu:
        wrong = "WrongKeyWrongKey12345678"
        client = XyopsClient(XyopsSettings(api_key=wrong, url=emu.url, retry_budget_s=1))
        with pytest.raises(AuthError) as caught:
            client.read("get_tags")
        assert "XYOPS_API_KEY" in str(caught.value)
        assert wrong not in str(caught.value)
        assert wrong not in repr(client)


def test_errors_keep_the_servers_description_and_follow_the_http_status() -> None:
    with running_xyops_emulator() as emu:
        client = client_for(emu)
        with pytest.raises(NotFound) as missing:
            client.read("get_tag", {"id": "no_such_tag"})
        assert "no_such_tag" in str(missing.value)
        assert missing.value.status == 404
        with pytest.raises(BadUserInput) as bad:
            client.write("create_tag", {"id": "Bad Id", "title": "x"})
        assert bad.value.status == 400
        assert "id" in str(bad.value)
        with pytest.raises(ApiError) as duplicate:
            client.write("create_tag", {"id": "important", "title": "again"})
        assert "already exists" in str(duplicate.value)


def test_reads_ride_out_429s_and_server_errors() -> None:
    with running_xyops_emulator(rate_429=0.4, fail_rate=0.2, rng_seed=7) as emu:
        client = client_for(emu)
        for _ in range(10):
            answer = client.read("get_multiple", {"lists": ["tags", "categories"]})
            assert {t["id"] for t in answer["tags"]} == {"important"}
        assert client.requests_sent > 10  # some were answered 429 or 5xx and repeated


def test_a_write_is_repeated_after_a_429_but_never_after_a_server_error() -> None:
    with running_xyops_emulator(fail_rate=1.0) as emu:
        client = client_for(emu)
        with pytest.raises(TransientError):
            client.write("create_tag", {"id": "once", "title": "Once"})
        assert client.requests_sent == 1
    with running_xyops_emulator(rate_429=0.5, rng_seed=3) as emu:
        client = client_for(emu)
        for index in range(6):
            client.write("create_tag", {"id": f"t{index}", "title": "T"})
        assert {f"t{i}" for i in range(6)} <= {t["id"] for t in emu.snapshot()["tags"]}
        assert client.requests_sent > 6


def test_a_write_whose_answer_was_lost_is_ambiguous_and_not_repeated() -> None:
    with running_xyops_emulator(lose_responses=1.0) as emu:
        client = client_for(emu)
        with pytest.raises(TransientError):
            client.write("create_tag", {"id": "lost", "title": "Lost"})
        assert client.requests_sent == 1
        assert [t["id"] for t in emu.snapshot()["tags"]].count("lost") == 1  # committed once


def test_a_server_that_cannot_be_reached_is_said_at_once() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = XyopsClient(XyopsSettings(api_key="k" * 24, url=f"http://127.0.0.1:{port}"))
    with pytest.raises(Unreachable) as caught:
        client.read("get_tags")
    assert "connection refused" in str(caught.value)
    assert client.requests_sent == 1


def test_settings_keep_the_key_out_of_repr_and_refuse_plain_http_elsewhere() -> None:
    settings = XyopsSettings(api_key="SecretKeySecretKey123456", url="https://ops.example.com/")
    assert "SecretKey" not in repr(settings)
    # http.server_settings' own repr, not the dataclass's (which would list every field)
    assert repr(settings) == (
        "XyopsSettings(url='https://ops.example.com', timeout=30.0, retry_budget_s=600.0)"
    )
    assert settings.call_url("get_tags") == "https://ops.example.com/api/app/get_tags/v1"
    with pytest.raises(ConfigError, match="Refusing plain http://"):
        XyopsSettings(api_key="k", url="http://ops.example.com")
    with pytest.raises(ConfigError, match="credentials in the URL"):
        XyopsSettings(api_key="k", url="https://user:pw@ops.example.com")
    with pytest.raises(ConfigError, match="XYOPS_API_KEY"):
        XyopsSettings.from_env({"XYOPS_URL": "https://ops.example.com"})
    with pytest.raises(ConfigError, match="XYOPS_URL"):
        XyopsSettings.from_env({"XYOPS_API_KEY": "k"})


def test_settings_come_from_the_environment_then_j1sync_yaml_then_flags() -> None:
    env = {"XYOPS_API_KEY": "k", "XYOPS_URL": "https://env.example.com"}
    assert XyopsSettings.from_env(env).base_url == "https://env.example.com"
    from_yaml = XyopsSettings.from_env(env, target={"url": "https://yaml.example.com"})
    assert from_yaml.base_url == "https://yaml.example.com"
    flagged = XyopsSettings.from_env(
        env, target={"url": "https://yaml.example.com"}, url="https://flag.example.com", timeout=5
    )
    assert flagged.base_url == "https://flag.example.com"
    assert flagged.timeout == 5
    # a base URL may carry a path (xyOps behind a reverse proxy)
    proxied = XyopsSettings(api_key="k", url="https://proxy.example.com/xyops")
    assert proxied.call_url("ping") == "https://proxy.example.com/xyops/api/app/ping/v1"


def test_refusals_answered_with_http_200_are_told_apart_by_code_and_description() -> None:
    with running_xyops_emulator(errors_in_200=True) as emu:
        client = client_for(emu)
        with pytest.raises(NotFound):
            client.read("get_tag", {"id": "no_such_tag"})
        with pytest.raises(BadUserInput):
            client.write("create_tag", {"id": "Bad Id", "title": "x"})
        wrong = XyopsClient(XyopsSettings(api_key="W" * 24, url=emu.url, retry_budget_s=1))
        with pytest.raises(AuthError):
            wrong.read("get_tags")
    with running_xyops_emulator(errors_in_200=True, rate_429=0.5, rng_seed=3) as emu:
        client = client_for(emu)
        for _ in range(6):
            assert client.read("get_tags")["rows"]
        assert client.requests_sent > 6  # rate limits in a 200 were waited out and repeated
