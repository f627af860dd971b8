"""A server answering get_multiple with `code: 0` whose lists are not lists of objects (a
number, a string, a map, a list holding a number, no such property at all: another
server, a proxy gone wrong). xyOps answers "one property for each requested list", an
array (api-v1.0.88.md, get_multiple). Before, a number ended in "internal error:
TypeError: 'int' object is not iterable", and a string, a map or a missing list was read
as no objects at all (a plan to create what is there). Now: one line naming the list and
the URL, exit 1, nothing changed."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.providers.xyops.emulator import XyOpsEmulator
from tests.hostile.xyops_cli import KEY
from tests.http_servers import proxying

TAG = """\
apiVersion: xyops.j1sync/v1
kind: Tag
metadata:
  name: s20d_tag
spec:
  title: S20d
"""


def run(url: str, *args: str) -> Result:
    env = {"XYOPS_URL": url, "XYOPS_API_KEY": KEY, "NO_COLOR": "1"}
    return CliRunner().invoke(cli, list(args), env=env)


Rewrite = Callable[[dict[str, Any]], None]


@contextmanager
def rewriting_proxy(upstream: str, rewrite: Rewrite) -> Iterator[str]:
    """Forwards every request to `upstream`; get_multiple's answer goes through `rewrite`."""

    def change(path: str, answer: requests.Response) -> bytes:
        if "/get_multiple/" not in path:
            return answer.content
        data = answer.json()
        rewrite(data)
        return json.dumps(data).encode()

    with proxying(upstream, change) as url:
        yield url


def _set(name: str, value: Any) -> Rewrite:
    def rewrite(data: dict[str, Any]) -> None:
        data[name] = value

    return rewrite


def _drop(name: str) -> Rewrite:
    def rewrite(data: dict[str, Any]) -> None:
        data.pop(name, None)

    return rewrite


ANSWERS: dict[str, tuple[str, Rewrite]] = {
    "tags a number": ("tags", _set("tags", 5)),
    "plugins a number": ("plugins", _set("plugins", 7)),
    "tags a string": ("tags", _set("tags", "s20d_tag")),
    "tags a map": ("tags", _set("tags", {"s20d_tag": {"id": "s20d_tag", "title": "x"}})),
    "events holding a number": ("events", _set("events", [5])),
    "no categories": ("categories", _drop("categories")),
}


@pytest.mark.parametrize("case", list(ANSWERS))
def test_a_list_that_is_no_list_of_objects_is_no_xyops_answer(
    xyops_server: XyOpsEmulator, tmp_path: Path, case: str
) -> None:
    name, rewrite = ANSWERS[case]
    (tmp_path / "m.yaml").write_text(TAG)
    before = xyops_server.snapshot()
    with rewriting_proxy(xyops_server.url, rewrite) as url:
        for command in (["plan"], ["drift"], ["apply", "--auto-approve"]):
            done = run(url, *command, str(tmp_path), "--retry-budget", "1")
            assert done.exit_code == 1, (command, done.output)
            assert "internal error" not in done.output
            assert "Traceback" not in done.output
            assert "answered get_multiple" in done.output, done.output
            assert f"`{name}`" in done.output, done.output
            assert f"is {url} the xyOps server?" in done.output, done.output
    assert xyops_server.snapshot() == before  # nothing created


def test_lists_of_objects_plan_as_before(xyops_server: XyOpsEmulator, tmp_path: Path) -> None:
    """The same road through the proxy, the answer untouched: plan, apply, plan again."""
    (tmp_path / "m.yaml").write_text(TAG)
    with rewriting_proxy(xyops_server.url, lambda data: None) as url:
        done = run(url, "apply", "--auto-approve", str(tmp_path))
        assert done.exit_code == 0, done.output
        done = run(url, "plan", "--detailed-exitcode", str(tmp_path))
        assert done.exit_code == 0, done.output
