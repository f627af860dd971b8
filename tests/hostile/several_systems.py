"""What the hostile tests of several-system repositories share: a manifest of each
system, the three emulators side by side, and the environment that connects j1sync to
them (tests/hostile/test_s18b_*)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.opencti.emulator.app import running_opencti_emulator
from j1sync.providers.xyops.emulator import running_xyops_emulator

J1_KEY = "s18b-J1-Key-4e0c91d2"
XY_KEY = "s18b-Xy-Key-77a3be10"

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: s18b-hosts
spec:
  title: Hosts
  queries:
    - name: q
      query: Find Host
"""

XYOPS_TAG = """\
apiVersion: xyops.j1sync/v1
kind: Tag
metadata:
  name: s18b_tag
spec:
  title: S18b
"""

OPENCTI_LABEL = """\
apiVersion: opencti.j1sync/v1
kind: Label
metadata:
  name: s18b-label
spec:
  color: '#00ff00'
"""


def documents(*texts: str) -> str:
    """One file of these manifests."""
    return "---\n".join(texts)


@contextmanager
def running_systems() -> Iterator[tuple[Any, Any, Any]]:
    """JupiterOne (an empty account), xyOps and OpenCTI emulators."""
    with (
        running_emulator(db=":memory:", seed="none", api_key=J1_KEY) as j1,
        running_xyops_emulator(api_key=XY_KEY) as xy,
        running_opencti_emulator() as oc,
    ):
        yield j1, xy, oc


def systems_env(j1: Any, xy: Any, oc: Any, **changed: str) -> dict[str, str]:
    """The environment that connects j1sync to the three, with `changed` over it."""
    return {
        "JUPITERONE_API_URL": j1.url,
        "JUPITERONE_API_KEY": J1_KEY,
        "JUPITERONE_ACCOUNT_ID": j1.account,
        "XYOPS_URL": xy.url,
        "XYOPS_API_KEY": XY_KEY,
        "OPENCTI_URL": oc.url,
        "OPENCTI_TOKEN": oc.token,
        "NO_COLOR": "1",
        **changed,
    }
