"""Export writes a collection's or feed's filters without their defaults, as docs/opencti.md
says (`mode: and`, a filter's `operator: eq` and `mode: or`, empty `filterGroups`): the
examples' TAXII collection exports as its manifest writes it, a filter group that is not
at its defaults keeps what is not, and each export plans nothing."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from tests.examples import OPENCTI_EXAMPLES
from tests.opencti.helpers import Platform

DEFAULTS = ("operator: eq", "mode: or", "mode: and", "filterGroups")


def _spec(path: str) -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["spec"]
    return spec


def _export_plans_nothing(platform: Platform) -> None:
    exported = platform.run("export", "--system", "opencti", "--out", "out")
    assert exported.exit_code == 0, exported.output
    platform.write("j1sync.yaml", "paths: [out]\n")
    planned = platform.run("plan", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output


def test_the_examples_filters_export_without_defaults(platform: Platform) -> None:
    shutil.copytree(OPENCTI_EXAMPLES, "m")
    platform.write("j1sync.yaml", "paths: [m]\n")
    applied = platform.run("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    _export_plans_nothing(platform)
    assert _spec("out/taxii-collections/shareable-indicators.yaml")["filters"] == {
        "filters": [
            {"key": ["entity_type"], "values": ["Indicator"]},
            {"key": ["confidence"], "values": ["75"], "operator": "gte"},
        ]
    }
    assert _spec("out/stream-collections/published-reports.yaml")["filters"] == {
        "filters": [{"key": ["entity_type"], "values": ["Report"]}]
    }
    for path in Path("out").rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert not [d for d in DEFAULTS if d in text], (path, text)


STREAM = """\
apiVersion: opencti.j1sync/v1
kind: StreamCollection
metadata:
  name: Either
spec:
  filters:
    mode: or
    filters:
      - {key: entity_type, values: [Report], operator: eq, mode: or}
      - {key: objectLabel, values: [], operator: nil}
    filterGroups:
      - mode: and
        filters:
          - {key: [confidence, x_opencti_score], values: ["50", "60"], operator: gt, mode: and}
        filterGroups: []
"""


def test_what_is_not_a_default_is_kept(platform: Platform) -> None:
    platform.write("j1sync.yaml", "paths: [m]\n")
    platform.write("m/stream.yaml", STREAM)
    applied = platform.run("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    _export_plans_nothing(platform)
    assert _spec("out/stream-collections/either.yaml")["filters"] == {
        "mode": "or",
        "filters": [
            {"key": ["entity_type"], "values": ["Report"]},
            {"key": ["objectLabel"], "operator": "nil"},
        ],
        "filterGroups": [
            {
                "filters": [
                    {
                        "key": ["confidence", "x_opencti_score"],
                        "values": ["50", "60"],
                        "operator": "gt",
                        "mode": "and",
                    }
                ]
            }
        ],
    }
