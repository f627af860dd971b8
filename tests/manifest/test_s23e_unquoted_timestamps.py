"""An unquoted date and time (`2024-01-01 10:00:00`) is a YAML timestamp, whose text the
reader does not keep: it was sent in its ISO form, so `metadata.name: 2024-01-01 10:00:00`
planned `+ Question/2024-01-01T10:00:00` and a title `2024-01-01 10:00:00.50Z` became
'2024-01-01T10:00:00.500000+00:00', in silence. It is an error at its line, saying what
it would become; quoted, or a date alone (its ISO form is its text), it is kept."""

from __future__ import annotations

import datetime
from pathlib import Path

from ruamel.yaml import YAML

from tests.hostile.in_process import j1sync_here

MANIFEST = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: {name}
spec:
  title: {title}
  description: 2024-01-01
  queries:
    - name: a
      query: Find User
"""


def _as_read(text: str) -> str:
    """The ISO form of a timestamp as the installed ruamel.yaml reads it: with its time
    zone (0.18.x) or without (the oldest release j1sync supports, .ci/floors.txt)."""
    moment = YAML(typ="rt").load(f"t: {text}")["t"]
    assert isinstance(moment, datetime.datetime)
    return moment.isoformat()


def test_a_timestamp_is_refused_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "q.yaml").write_text(
        MANIFEST.format(name="2024-01-01 10:00:00", title="2024-01-01 10:00:00.50Z")
    )
    done = j1sync_here(["validate", "q.yaml"], {}, tmp_path)
    assert done.returncode == 1
    told = "YAML reads this unquoted date and time as a timestamp, whose text is not kept: "
    assert done.stderr.splitlines() == [
        f"q.yaml:4:9: metadata.name: {told}it would be sent as '2024-01-01T10:00:00', not as "
        "written; quote it to keep the text",
        f"q.yaml:6:10: spec.title: {told}it would be sent as "
        f"'{_as_read('2024-01-01 10:00:00.50Z')}', not as written; quote it to keep the text",
        "2 manifest errors",
    ]


def test_quoted_or_a_date_alone_is_kept(tmp_path: Path) -> None:
    (tmp_path / "q.yaml").write_text(
        MANIFEST.format(name='"2024-01-01 10:00:00"', title="'2024-01-01 10:00:00.50Z'")
    )
    done = j1sync_here(["validate", "q.yaml"], {}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "1 manifest valid: 1 Question\n"
