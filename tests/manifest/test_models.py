"""The spec models on their own: API defaults, strictness, the API's enums and rules."""

from __future__ import annotations

import sys
import unicodedata
from typing import Any

import pytest
from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from j1sync.manifest.model_base import check_object_name
from j1sync.providers.jupiterone.models import (
    AlertRuleSpec,
    IamGroupSpec,
    IntegrationScheduleSpec,
    QuestionSpec,
)
from j1sync.providers.jupiterone.models.common import Metadata
from j1sync.providers.jupiterone.models.permissions import ABAC_PERMISSIONS, nearest_permission

INLINE = {"queries": [{"name": "q", "query": "Find Host"}]}


def _messages(error: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [detail["msg"] for detail in error.value.errors()]


def test_question_defaults_are_the_api_defaults() -> None:
    spec = QuestionSpec.model_validate(
        {"title": "T", "queries": [{"name": "q", "query": "Find Host"}]}
    )
    assert spec.model_dump(mode="json") == {
        "title": "T",
        "description": None,
        "tags": [],
        "showTrend": False,
        "pollingInterval": "ONE_DAY",
        "queries": [
            {
                "name": "q",
                "query": "Find Host",
                "version": "v1",
                "resultsAre": "INFORMATIVE",
                "includeDeleted": False,
            }
        ],
        "compliance": [],
    }


def test_alert_rule_defaults_are_the_api_defaults() -> None:
    data = AlertRuleSpec.model_validate({"question": INLINE}).model_dump(mode="json")
    assert data == {
        "description": None,
        "pollingInterval": "ONE_DAY",
        "question": {
            "queries": [
                {"name": "q", "query": "Find Host", "version": "v1", "includeDeleted": False}
            ]
        },
        "questionRef": None,
        "operations": [],
        "outputs": [],
        "tags": [],
        "labels": {},
        "templates": None,
        "notifyOnFailure": False,
        "triggerActionsOnNewEntitiesOnly": False,
        "ignorePreviousResults": False,
        "remediationSteps": None,
        "resourceGroup": None,
    }


def test_rule_condition_gets_filter_type_and_version_and_actions_keep_their_keys() -> None:
    spec = AlertRuleSpec.model_validate(
        {
            "question": INLINE,
            "operations": [
                {
                    "when": {"condition": ["AND", ["queries.q.total", ">", 0]]},
                    "actions": [{"type": "WEBHOOK", "endpoint": "https://h", "body": {"a": [1]}}],
                }
            ],
        }
    )
    (operation,) = spec.model_dump(mode="json")["operations"]
    assert operation["when"] == {
        "type": "FILTER",
        "version": 1,
        "condition": ["AND", ["queries.q.total", ">", 0]],
    }
    assert operation["actions"] == [
        {"type": "WEBHOOK", "endpoint": "https://h", "body": {"a": [1]}}
    ]


def test_rule_condition_naming_an_unknown_inline_query_is_rejected() -> None:
    with pytest.raises(ValidationError) as error:
        AlertRuleSpec.model_validate(
            {
                "question": INLINE,
                "operations": [{"when": {"condition": ["AND", ["queries.nope.total", ">", 0]]}}],
            }
        )
    assert _messages(error) == [
        "refers to query 'nope', which the question does not define (queries: q)"
    ]


def test_rule_outputs_naming_an_unknown_inline_query_are_rejected() -> None:
    with pytest.raises(ValidationError) as error:
        AlertRuleSpec.model_validate({"question": INLINE, "outputs": ["queries.other.total"]})
    assert "refers to query 'other'" in _messages(error)[0]


def test_members_absent_means_unmanaged_and_empty_list_means_no_members() -> None:
    assert IamGroupSpec.model_validate({}).members is None
    assert IamGroupSpec.model_validate({"members": []}).members == []
    assert IamGroupSpec.model_validate({}).model_dump(mode="json")["members"] is None


def test_members_must_be_unique_emails() -> None:
    with pytest.raises(ValidationError) as error:
        IamGroupSpec.model_validate({"members": ["a@example.com", "A@example.com"]})
    assert _messages(error) == ["duplicate member 'A@example.com'"]


@pytest.mark.parametrize(
    "policy", [{"_type": "aws_s3_bucket"}, {"_class": ["A", "B"], "public": True, "n": 3}]
)
def test_query_policy_accepts_scalars_and_lists_of_scalars(policy: dict[str, Any]) -> None:
    spec = IamGroupSpec.model_validate({"queryPolicy": [policy]})
    assert spec.model_dump(mode="json")["queryPolicy"] == [policy]


def test_query_policy_rejects_nested_maps() -> None:
    with pytest.raises(ValidationError):
        IamGroupSpec.model_validate({"queryPolicy": [{"_type": {"in": ["x"]}}]})


def test_every_documented_permission_is_accepted() -> None:
    spec = IamGroupSpec.model_validate({"abacPermissions": list(ABAC_PERMISSIONS)})
    assert len(spec.abacPermissions) == 25


@pytest.mark.parametrize(
    ("typo", "nearest"),
    [
        ("readQuestion", "readQuestions"),
        ("AccessRules", "accessRules"),
        ("adminIntegration", "adminIntegrations"),
        ("fullReadAcess", "fullReadAccess"),
        ("somethingElseEntirely", None),
    ],
)
def test_nearest_permission_suggestion(typo: str, nearest: str | None) -> None:
    assert nearest_permission(typo) == nearest


def test_unknown_permission_error_names_the_nearest_valid_one() -> None:
    with pytest.raises(ValidationError) as error:
        IamGroupSpec.model_validate({"abacPermissions": ["writeQuestion"]})
    assert _messages(error) == [
        "unknown ABAC permission 'writeQuestion'; did you mean 'writeQuestions'?"
    ]


@pytest.mark.parametrize(
    ("interval", "hour", "day", "ok"),
    [
        ("ONE_DAY", 0, None, True),
        ("ONE_DAY", 23, None, True),
        ("ONE_WEEK", 5, 6, True),
        ("ONE_WEEK", None, 0, True),
        ("TWELVE_HOURS", None, None, True),
        ("TWELVE_HOURS", 1, None, False),
        ("ONE_DAY", 1, 1, False),
        ("ONE_WEEK", -1, None, False),
        ("ONE_WEEK", 1, 7, False),
    ],
)
def test_schedule_hour_and_day_rules(
    interval: str, hour: int | None, day: int | None, ok: bool
) -> None:
    data = {"pollingInterval": interval, "hour": hour, "dayOfWeek": day}
    if ok:
        assert IntegrationScheduleSpec.model_validate(data).pollingInterval == interval
    else:
        with pytest.raises(ValidationError):
            IntegrationScheduleSpec.model_validate(data)


@pytest.mark.parametrize(
    "data",
    [
        {"pollingInterval": "ONE_DAY", "hour": "3"},  # no string -> int coercion
        {"pollingInterval": "one_day"},  # enums are exact
        {"pollingInterval": "FIFTEEN_MINUTES"},  # not in the documented list
        {"pollingInterval": "ONE_DAY", "hour": 3.0},
    ],
)
def test_schedule_values_are_not_coerced(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        IntegrationScheduleSpec.model_validate(data)


@pytest.mark.parametrize(
    "name",
    ["", " lead", "trail ", "tab\tinside", "new\nline", "x" * 256],
)
def test_bad_metadata_names_are_rejected(name: str) -> None:
    with pytest.raises(ValidationError):
        Metadata.model_validate({"name": name})


@pytest.mark.parametrize("name", ["Root account login detected", "x" * 255, "ünïcode-ok"])
def test_names_may_hold_spaces_capitals_and_unicode(name: str) -> None:
    assert Metadata.model_validate({"name": name}).name == name


def test_a_name_is_refused_for_exactly_the_control_characters() -> None:
    """Unicode's category Cc, every code point of it and no other, wherever in the name."""
    refused = []
    for code in range(sys.maxunicode + 1):
        try:
            check_object_name(f"a{chr(code)}b")
        except PydanticCustomError:
            refused.append(code)
    assert refused == [c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cc"]


def test_compliance_has_standard_requirements_and_controls() -> None:
    spec = QuestionSpec.model_validate(
        {
            "title": "T",
            "queries": [{"name": "q", "query": "Find Host"}],
            "compliance": [
                {"standard": "NIST CSF", "requirements": ["ID.AM-1"], "controls": ["c1"]}
            ],
        }
    )
    assert spec.model_dump(mode="json")["compliance"] == [
        {"standard": "NIST CSF", "requirements": ["ID.AM-1"], "controls": ["c1"]}
    ]
