"""A feed whose separator is empty. OpenCTI refuses a separator of more than one
character and takes an empty one (checkFeedIntegrity, domain/feed.ts); j1sync asked for
exactly one, so the export of such a feed wrote a file that did not load ('String should
have at least 1 character'). Now the manifests check what OpenCTI checks: export then
plan changes nothing, and two characters are still an error at the field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator
from tests.hostile.in_process import opencti_graphql, opencti_run

FEED_ADD = "mutation($i: FeedAddInput!) { feedAdd(input: $i) { id } }"
COLUMNS = [{"attribute": "name", "mappings": [{"type": "Report", "attribute": "name"}]}]


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenCtiEmulator]:
    monkeypatch.chdir(tmp_path)
    with running_opencti_emulator() as emulator:
        feed = {
            "name": "No separator",
            "separator": "",
            "feed_date_attribute": "created_at",
            "rolling_time": 60,
            "include_header": True,
            "feed_types": ["Report"],
            "feed_attributes": COLUMNS,
        }
        opencti_graphql(emulator, FEED_ADD, {"i": feed})
        yield emulator


def test_an_empty_separator_exports_and_plans_no_change(emu: OpenCtiEmulator) -> None:
    exported = opencti_run(emu, "export", "--system", "opencti", "--kind", "Feed", "--out", "ex")
    assert exported.exit_code == 0, exported.output
    assert "Warning" not in exported.output
    assert "separator: ''" in Path("ex/feeds/no-separator.yaml").read_text(encoding="utf-8")
    Path("j1sync.yaml").write_text("paths: [ex]\n", encoding="utf-8")
    planned = opencti_run(emu, "plan", "ex")
    assert planned.exit_code == 0, planned.output
    assert "0 to create, 1 to update, 0 to delete" in planned.output  # the adoption only
    assert "1 field differs" in planned.output and "~ separator" not in planned.output

    feed = Path("ex/feeds/no-separator.yaml")
    feed.write_text(
        feed.read_text(encoding="utf-8").replace("separator: ''", "separator: ';;'"),
        encoding="utf-8",
    )
    refused = opencti_run(emu, "plan", "ex")
    assert refused.exit_code == 1, refused.output
    assert "opencti.Feed/No separator: spec.separator: String should have at most 1 character" in (
        refused.output
    )
