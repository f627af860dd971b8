"""A wrong OpenCTI or xyOps URL in a mixed project, through the command line: the error
names the system and the setting to fix (each system has its own URL variable), with no
traceback and no token; a project missing two systems' credentials hears of both in one run."""

from __future__ import annotations

import pytest

from tests.opencti.helpers import Platform

MIXED = """\
apiVersion: opencti.j1sync/v1
kind: Label
metadata:
  name: phishing
---
apiVersion: xyops.j1sync/v1
kind: Category
metadata:
  name: maintenance
spec:
  title: Maintenance
"""


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://opencti.example.com", "expected https://host[:port]"),
        ("https://opencti .example.com", "holds a space"),
        ("http://10.0.0.1:8080", "Refusing plain http://"),
        ("https://opencti.example.com/graphql", "without /graphql (j1sync appends /graphql)"),
    ],
)
def test_a_bad_opencti_url_names_its_setting(platform: Platform, url: str, why: str) -> None:
    platform.write("m/mixed.yaml", MIXED.split("---")[0])
    result = platform.run("plan", "m", url=url)
    assert result.exit_code == 1, result.output
    assert "OpenCTI URL (OPENCTI_URL or `url:` in j1sync.yaml's opencti section)" in (result.output)
    assert why in result.output
    assert "Traceback" not in result.output
    assert platform.emu.token not in result.output


def test_a_bad_xyops_url_names_its_setting(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform.write("m/mixed.yaml", MIXED)
    monkeypatch.setenv("XYOPS_URL", "xyops.example.com")
    monkeypatch.setenv("XYOPS_API_KEY", "SecretXyopsKey0123456789")
    result = platform.run("plan", "m")
    assert result.exit_code == 1, result.output
    assert "xyOps URL (XYOPS_URL or `url:` in j1sync.yaml's xyops section)" in result.output
    assert "'xyops.example.com': expected https://host[:port]" in result.output
    assert "SecretXyopsKey" not in result.output
    assert "Traceback" not in result.output


def test_every_systems_missing_setting_is_reported_in_one_run(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform.write("m/mixed.yaml", MIXED)
    monkeypatch.delenv("XYOPS_URL", raising=False)
    monkeypatch.delenv("XYOPS_API_KEY", raising=False)
    result = platform.run("plan", "m", token="")
    assert result.exit_code == 1, result.output
    assert "No xyOps API key: set XYOPS_API_KEY." in result.output
    assert "No OpenCTI token: set OPENCTI_TOKEN." in result.output
    assert "Traceback" not in result.output
