"""Question: create, read back without a perpetual diff, update each field, delete, adopt."""

from __future__ import annotations

import pytest

from j1sync.errors import NotFound
from tests.providers.conftest import Account

FULL = """
apiVersion: j1sync/v1
kind: Question
metadata: {name: public-s3-buckets}
spec:
  title: Which S3 buckets are public?
  description: Buckets anyone can read
  tags: [security, aws]
  showTrend: true
  pollingInterval: ONE_WEEK
  queries:
    - {name: good, query: "Find aws_s3_bucket with public!=true", resultsAre: GOOD}
    - name: bad
      query: "Find aws_s3_bucket\\r\\n  with public=true"
      resultsAre: BAD
      version: v2
      includeDeleted: true
  compliance:
    - {standard: CIS AWS Foundations, requirements: ["2.1.5", "2.1.1"], controls: [c1]}
"""

MINIMAL = """
apiVersion: j1sync/v1
kind: Question
metadata: {name: Minimal question}
spec:
  title: Minimal
  queries: [{name: q, query: Find User}]
"""


@pytest.mark.parametrize("manifest", [FULL, MINIMAL], ids=["every-field", "defaults"])
def test_created_question_reads_back_equal_to_the_manifest(account: Account, manifest: str) -> None:
    desired = account.one(manifest)
    account.create(desired)
    live = account.live("Question", desired.name)
    assert live.state == desired.state
    assert live.managed and "j1sync" in live.state["tags"]


def test_defaults_and_normalization_are_filled_on_the_desired_side(account: Account) -> None:
    state = account.one(FULL).state
    assert state["tags"] == ["aws", "j1sync", "security"]
    assert state["queries"][1]["query"] == "Find aws_s3_bucket\n  with public=true"
    assert state["compliance"][0]["requirements"] == ["2.1.1", "2.1.5"]
    minimal = account.one(MINIMAL).state
    assert minimal["queries"] == [
        {
            "name": "q",
            "query": "Find User",
            "version": "v1",
            "resultsAre": "INFORMATIVE",
            "includeDeleted": False,
        }
    ]
    assert minimal["description"] == "" and minimal["compliance"] == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("title: Which S3 buckets are public?", "title: Public buckets"),
        ("description: Buckets anyone can read", "description: ''"),
        ("tags: [security, aws]", "tags: []"),
        ("showTrend: true", "showTrend: false"),
        ("pollingInterval: ONE_WEEK", "pollingInterval: ONE_HOUR"),
        ("resultsAre: GOOD}", "resultsAre: UNKNOWN}"),
        ("includeDeleted: true", "includeDeleted: false"),
        ('requirements: ["2.1.5", "2.1.1"], controls: [c1]', "requirements: [x]"),
    ],
)
def test_each_field_update_converges(account: Account, old: str, new: str) -> None:
    account.create(account.one(FULL))
    assert old in FULL
    changed = account.one(FULL.replace(old, new))
    account.update(changed)
    assert account.live("Question", changed.name).state == changed.state


def test_compliance_removed_converges(account: Account) -> None:
    account.create(account.one(FULL))
    without = account.one(FULL.split("  compliance:")[0])
    account.update(without)
    assert account.live("Question", without.name).state["compliance"] == []


def test_delete_removes_the_question_and_deleting_again_is_not_found(account: Account) -> None:
    account.create(account.one(MINIMAL))
    live = account.live("Question", "Minimal question")
    kind = account.provider.kind("Question")
    kind.delete(live)
    assert kind.find("Minimal question") == []
    with pytest.raises(NotFound):
        kind.delete(live)


def test_nameless_question_is_keyed_by_title_and_adopted(demo: Account) -> None:
    live = demo.live("Question", "Hand-made weekly review")
    assert not live.managed and live.raw["name"] == ""
    adopted = demo.one(
        """
        apiVersion: j1sync/v1
        kind: Question
        metadata: {name: Hand-made weekly review}
        spec:
          title: Hand-made weekly review
          pollingInterval: ONE_WEEK
          queries: [{name: query0, query: Find User with active=true}]
        """
    )
    demo.update(adopted)
    after = demo.live("Question", "Hand-made weekly review")
    assert after.managed and after.state == adopted.state


def test_questions_are_read_across_pages(account: Account) -> None:
    for index in range(5):
        account.create(account.one(MINIMAL.replace("Minimal question", f"q{index}")))
    names = [o.name for o in account.provider.read_live(["Question"])]
    assert sorted(names) == [f"q{i}" for i in range(5)]
    assert account.emu.stats.requests["questions"] >= 3  # page_size 2
