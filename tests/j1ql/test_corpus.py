"""No false errors: every query example of JupiterOne's J1QL reference and every query of
JupiterOne's published rule packs (each parsed by JupiterOne's own parser in that
repository's CI) passes the checker with no error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.j1ql import check_query
from tests.j1ql.reference_queries import REFERENCE, reference_queries

CORPUS = Path(__file__).resolve().parent / "corpus" / "jupiterone-alert-rules.json"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "reference" / "jupiterone"

# Examples of the reference that are typos in the docs themselves; the checker finds them.
DOC_TYPOS = {
    # sqrt((5 - r.impact)^2 + (5 - r.probability)^2)): one ')' too many
    "FIND *  as any THAT HAS Risk as r RETURN any.displayName": "')' closes no '('",
    # the table cell's closing ')' was left outside the backticks
    "FIND * WITH ((_class = ('Application'|tags = 'CriticalAsset'": "'(' is never closed with ')'",
}
REFERENCE_QUERIES = reference_queries()
RULE_PACK_QUERIES = [q["query"] for q in json.loads(CORPUS.read_text())["queries"]]


def _typo(query: str) -> str | None:
    """The error a known typo gives: DOC_TYPOS keys are `start` or `start|end`."""
    for key, message in DOC_TYPOS.items():
        start, _, end = key.partition("|")
        if query.startswith(start) and query.endswith(end):
            return message
    return None


def test_the_reference_yields_every_kind_of_example() -> None:
    assert len(REFERENCE_QUERIES) >= 100
    assert len(RULE_PACK_QUERIES) >= 500


@pytest.mark.parametrize(
    ("where", "query"), REFERENCE_QUERIES, ids=[w for w, _ in REFERENCE_QUERIES]
)
def test_every_reference_example_has_no_error(where: str, query: str) -> None:
    errors = [f.message for f in check_query(query).errors]
    expected = _typo(query)
    assert errors == ([expected] if expected else []), where


def test_every_rule_pack_query_has_no_error_and_almost_no_warning() -> None:
    errors = [(q, f.message) for q in RULE_PACK_QUERIES for f in check_query(q).errors]
    assert errors == []
    warned = [q for q in RULE_PACK_QUERIES if check_query(q).warnings]
    # one rule pack writes `cm,displayName` for `cm.displayName`: a warning, not an error
    assert len(warned) == 1 and "cm,displayName" in warned[0]


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared reference is not beside this clone")
@pytest.mark.parametrize("name", ["j1ql-language.md", "api-docs.md"])
def test_reference_copies_match_the_shared_reference(name: str) -> None:
    assert (REFERENCE / name).read_text() == (SHARED / name).read_text()
