"""IntegrationSchedule: when an existing integration instance runs
(pollingInterval + pollingIntervalCronExpression {hour, dayOfWeek})."""

from __future__ import annotations

from typing import Annotated, Any, get_args

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from j1sync.manifest.model_base import GraphQLInt, NonBlank, StrictModel, rule_error
from j1sync.providers.jupiterone.models.common import PollingInterval

# The API applies an hour only to daily and weekly runs, a day only to weekly ones; j1sync
# refuses the combinations the API would silently ignore.
HOUR_INTERVALS = ("ONE_DAY", "ONE_WEEK")
DAY_OF_WEEK_INTERVALS = ("ONE_WEEK",)


def _either(intervals: tuple[str, ...]) -> str:
    return " or ".join(intervals)


def _only_with(key: str, intervals: tuple[str, ...]) -> dict[str, Any]:
    """JSON Schema: under another interval than `intervals`, `key` is null or left out."""
    others = [i for i in get_args(PollingInterval) if i not in intervals]
    return {
        "if": {
            "required": ["pollingInterval"],
            "properties": {"pollingInterval": {"enum": others}},
        },
        "then": {"properties": {key: {"type": "null"}}},
    }


class IntegrationScheduleSpec(StrictModel):
    # the validators below, for editors
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                _only_with("hour", HOUR_INTERVALS),
                _only_with("dayOfWeek", DAY_OF_WEEK_INTERVALS),
            ]
        }
    )

    instance: NonBlank | None = Field(
        default=None, description="Integration instance name; defaults to metadata.name."
    )
    definition: NonBlank | None = Field(
        default=None, description="Integration type (e.g. aws), to tell same-named instances apart."
    )
    pollingInterval: PollingInterval
    # GraphQL Ints (IntegrationPollingIntervalCronExpressionInput), bounded narrower
    hour: Annotated[GraphQLInt, Field(ge=0, le=23)] | None = Field(
        default=None, description="UTC hour, 0-23."
    )
    dayOfWeek: Annotated[GraphQLInt, Field(ge=0, le=6)] | None = Field(
        default=None, description="0 (Sunday) to 6 (Saturday)."
    )

    @field_validator("hour")
    @classmethod
    def _hour_needs_daily_or_weekly(cls, hour: int | None, info: ValidationInfo) -> int | None:
        interval = info.data.get("pollingInterval")
        if hour is not None and interval is not None and interval not in HOUR_INTERVALS:
            raise rule_error(f"hour is only allowed with {_either(HOUR_INTERVALS)}, not {interval}")
        return hour

    @field_validator("dayOfWeek")
    @classmethod
    def _day_needs_weekly(cls, day: int | None, info: ValidationInfo) -> int | None:
        interval = info.data.get("pollingInterval")
        if day is not None and interval is not None and interval not in DAY_OF_WEEK_INTERVALS:
            raise rule_error(
                f"dayOfWeek is only allowed with {_either(DAY_OF_WEEK_INTERVALS)}, not {interval}"
            )
        return day
