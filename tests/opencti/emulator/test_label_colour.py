"""A label created without a colour gets the one OpenCTI derives from its value:
`labelAdd` stores `label.color ? label.color : stringToColour(normalizeName(label.value))`
(opencti-graphql domain/label.js addLabel). The expected colours below are what that
JavaScript function answers (computed with Node.js): UTF-16 code units, a hash that
leaves 32 bits, the value folded first."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pycti import OpenCTIApiClient

from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator
from j1sync.providers.opencti.emulator.colours import label_colour, string_to_colour

# value -> stringToColour(normalizeName(value)), as Node.js computes it
JAVASCRIPT = {
    "phishing": "#9cfabd",
    "  Needs Review ": "#3b1a82",
    "a": "#610000",
    "ransomware": "#8fd671",
    "🚀 launch": "#90a817",  # an emoji is two UTF-16 code units (code points: #534534)
    "x\udc00": "#88ea00",  # a lone surrogate is one code unit, as charCodeAt reads it
    "half \ud83d": "#905b02",
    "日本語のラベル": "#c46cb0",
    "x" * 255: "#786fd6",
    "attack-pattern:T1566.001 spearphishing attachment with a very long label value": "#705e40",
}


@pytest.mark.parametrize("value", sorted(JAVASCRIPT))
def test_the_colour_is_the_one_opencti_s_javascript_derives(value: str) -> None:
    assert label_colour(value) == JAVASCRIPT[value]


def test_string_to_colour_does_not_fold() -> None:
    assert string_to_colour("Phishing") != string_to_colour("phishing") == "#9cfabd"
    assert string_to_colour("") == "#000000"


@pytest.fixture(scope="module")
def client() -> Iterator[OpenCTIApiClient]:
    emulator: OpenCtiEmulator
    with running_opencti_emulator() as emulator:
        yield OpenCTIApiClient(emulator.url, emulator.token, log_level="error")


def test_pycti_creates_a_label_without_a_colour_and_reads_opencti_s(
    client: OpenCTIApiClient,
) -> None:
    created = client.label.create(value="  Needs Review ")
    assert created["value"] == "Needs Review"  # labelAdd trims the value it stores
    assert created["color"] == "#3b1a82"
    assert client.label.read(id=created["id"])["color"] == "#3b1a82"
    # an existing label is met as it is: no colour made up again
    client.label.update_field(id=created["id"], input={"key": "color", "value": "#010203"})
    assert client.label.create(value="needs review")["color"] == "#010203"


def test_a_colour_given_is_kept_and_an_empty_one_is_derived(client: OpenCTIApiClient) -> None:
    assert client.label.create(value="given", color="#abcdef")["color"] == "#abcdef"
    # `label.color ? ...`: "" is no colour
    assert client.label.create(value="ransomware", color="")["color"] == "#8fd671"
