"""The emulator checks a feed as OpenCTI's checkFeedIntegrity does (domain/feed.ts), on
feedAdd and feedEdit: a separator of more than one character, a column without a mapping
for a feed type, or with one for a type the feed does not list, is refused; an empty
separator and a well-mapped feed are taken. It accepted them all before, so a test could
not see j1sync send what OpenCTI refuses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pycti import OpenCTIApiClient

from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator

ADD = "mutation($i: FeedAddInput!) { feedAdd(input: $i) { id } }"
EDIT = "mutation($id: ID!, $i: FeedAddInput!) { feedEdit(id: $id, input: $i) { id } }"


@pytest.fixture(scope="module")
def emu() -> Iterator[OpenCtiEmulator]:
    with running_opencti_emulator() as emulator:
        yield emulator


@pytest.fixture(scope="module")
def client(emu: OpenCtiEmulator) -> OpenCTIApiClient:
    return OpenCTIApiClient(emu.url, emu.token, log_level="error")


def feed(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Reports feed",
        "separator": ";",
        "feed_date_attribute": "created_at",
        "rolling_time": 60,
        "include_header": True,
        "feed_types": ["Report", "Malware"],
        "feed_attributes": [
            {
                "attribute": "name",
                "mappings": [
                    {"type": "Report", "attribute": "name"},
                    {"type": "Malware", "attribute": "name"},
                ],
            }
        ],
    }
    return {**body, **changes}


def column(*types: str) -> list[dict[str, Any]]:
    """One column `name` mapped for each of `types`."""
    return [{"attribute": "name", "mappings": [{"type": t, "attribute": "name"} for t in types]}]


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"separator": ",,"}, "Separator must be only one char"),
        (
            {"feed_attributes": column("Report")},
            "Feed mappings length does not match global types length",
        ),
        (
            {"feed_attributes": column("Report", "Report")},
            "The mapping of the type Malware is missing in the attribute name.",
        ),
        (
            {"feed_types": ["Report"], "feed_attributes": column("Tool")},
            "The mapping of the type Report is missing in the attribute name.",
        ),
    ],
)
def test_a_feed_opencti_refuses_is_refused(
    client: OpenCTIApiClient, emu: OpenCtiEmulator, changes: dict[str, Any], said: str
) -> None:
    with pytest.raises(ValueError, match=said):
        client.query(ADD, {"i": feed(**changes)})
    kept = client.query(ADD, {"i": feed(name="Kept feed")})["data"]["feedAdd"]["id"]
    with pytest.raises(ValueError, match=said):
        client.query(EDIT, {"id": kept, "i": feed(name="Kept feed", **changes)})
    assert not [f for f in emu.snapshot()["feeds"] if f["name"] == "Reports feed"]


def test_an_empty_separator_and_a_mapped_feed_are_taken(client: OpenCTIApiClient) -> None:
    assert client.query(ADD, {"i": feed(name="Empty separator", separator="")})["data"]["feedAdd"]
