"""OpenCTI manifest models of the workflow and sharing kinds: StatusTemplate, Workflow,
TaxiiCollection, StreamCollection, Feed and the platform Settings (docs/opencti.md).

Field names are the API's own (snake_case, schema-6.9.17.graphql), so a spec dumps
API-shaped. metadata.name is the natural key: a status template's, collection's or feed's
name, a workflow's entity type (`Report`), and `platform` for the one Settings object.

A collection's or feed's `filters` is an OpenCTI FilterGroup (`{mode, filters:
[{key, values, operator, mode}], filterGroups}`), written as YAML and sent as the JSON
string the API stores; it is compared as data (key order means nothing), defaults filled.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field, field_validator, model_validator

from j1sync.manifest.model_base import GraphQLInt, NonBlank, ObjectName, StrictModel, rule_error
from j1sync.providers.opencti.values import FilterMode, FilterOperator

SETTINGS_NAME = "platform"  # metadata.name of the one Settings manifest
MIN_NAME_LENGTH = 2  # the add inputs' name constraint (schema-6.9.17.graphql)


def _check_name_length(value: str) -> str:
    if len(value) < MIN_NAME_LENGTH:
        raise rule_error(f"OpenCTI needs a name of at least {MIN_NAME_LENGTH} characters")
    return value


class NamedMetadata(StrictModel):
    """metadata.name of a role, group, status template, collection or feed: its name."""

    name: Annotated[ObjectName, AfterValidator(_check_name_length)] = Field(
        description=f"Its name in OpenCTI (at least {MIN_NAME_LENGTH} characters).",
        json_schema_extra={"minLength": MIN_NAME_LENGTH},
    )


FilterKeys = Annotated[list[NonBlank], Field(min_length=1)]


class Filter(StrictModel):
    """One filter of a FilterGroup: `key` names one or more attributes (`entity_type`,
    `objectLabel`, `confidence`...); `values` are compared with `operator`, combined by
    `mode`."""

    key: FilterKeys
    values: list[Any] = Field(default_factory=list)
    operator: FilterOperator = "eq"
    mode: FilterMode = "or"

    # the schema says what is accepted: one attribute alone, or a list of them
    @field_validator("key", mode="before", json_schema_input_type=NonBlank | FilterKeys)
    @classmethod
    def _one_key(cls, value: Any) -> Any:
        """OpenCTI stores `key` as a list; one attribute may be written alone."""
        return [value] if isinstance(value, str) else value


class FilterGroup(StrictModel):
    """OpenCTI's FilterGroup: filters and nested groups combined by `mode`."""

    mode: FilterMode = "and"
    filters: list[Filter] = Field(default_factory=list)
    filterGroups: list[FilterGroup] = Field(default_factory=list)


class StatusTemplateSpec(StrictModel):
    """A status a workflow can use (StatusTemplate), named by metadata.name."""

    color: NonBlank = Field(description="The status colour, e.g. #4caf50.")


class WorkflowSpec(StrictModel):
    """The workflow of one entity type (metadata.name, e.g. `Report`): its statuses in
    order, each a StatusTemplate's name. An empty list means no workflow."""

    statuses: list[NonBlank] = Field(default_factory=list, json_schema_extra={"uniqueItems": True})

    @field_validator("statuses")
    @classmethod
    def _once_each(cls, value: list[str]) -> list[str]:
        seen: set[str] = set()
        for index, name in enumerate(value):
            if name in seen:
                raise rule_error(f"status '{name}' is listed twice", (index,))
            seen.add(name)
        return value


class TaxiiCollectionSpec(StrictModel):
    """A TAXII 2.1 collection (TaxiiCollection) serving the objects its filters select."""

    description: str = ""
    filters: FilterGroup | None = None
    include_inferences: bool = False
    score_to_confidence: bool = False
    taxii_public: bool = False


class StreamCollectionSpec(StrictModel):
    """A live stream (StreamCollection) of the events its filters select."""

    description: str = ""
    filters: FilterGroup | None = None
    stream_live: bool = False
    stream_public: bool = False


class FeedMapping(StrictModel):
    """Which attribute of an entity type fills a feed column."""

    type: NonBlank = Field(description="An entity type of the feed, e.g. Indicator.")
    attribute: NonBlank


class FeedAttribute(StrictModel):
    """One CSV column: its header and, per entity type, the attribute it shows."""

    attribute: NonBlank
    mappings: list[FeedMapping] = Field(min_length=1)


class FeedSpec(StrictModel):
    """A CSV feed (Feed): the entity types it lists, its columns, its time window."""

    description: str = ""
    filters: FilterGroup | None = None
    separator: str = Field(
        default=";", max_length=1, description="At most one character (OpenCTI's check)."
    )
    feed_date_attribute: NonBlank = "created_at"
    rolling_time: Annotated[GraphQLInt, Field(ge=1)] = Field(
        default=60, description="Minutes of history listed."
    )
    include_header: bool = True
    feed_types: list[NonBlank] = Field(min_length=1)
    feed_attributes: list[FeedAttribute] = Field(min_length=1)
    feed_public: bool = False

    @model_validator(mode="after")
    def _one_mapping_per_type(self) -> FeedSpec:
        """OpenCTI refuses a feed whose column lacks a feed type's mapping or maps a type
        the feed does not list (domain/feed.ts checkFeedIntegrity): said here, located."""
        types = set(self.feed_types)
        for index, column in enumerate(self.feed_attributes):
            mapped = [m.type for m in column.mappings]
            missing = sorted(types - set(mapped))
            extra = sorted(set(mapped) - types)
            twice = sorted({t for t in mapped if mapped.count(t) > 1})
            if missing or extra or twice:
                said = [
                    *([f"no mapping for {', '.join(missing)}"] if missing else []),
                    *([f"{', '.join(extra)} not in feed_types"] if extra else []),
                    *([f"{', '.join(twice)} mapped twice"] if twice else []),
                ]
                raise rule_error(
                    f"column '{column.attribute}' needs one mapping per feed type "
                    f"({', '.join(self.feed_types)}): {'; '.join(said)}",
                    ("feed_attributes", index, "mappings"),
                )
        return self


class SettingsSpec(StrictModel):
    """The platform settings a team keeps in git (metadata.name `platform`). Only the
    fields written are managed; one left out (or null) stays as the platform has it;
    "" clears a text."""

    platform_title: str | None = None
    platform_email: str | None = None
    platform_language: str | None = None
    platform_favicon: str | None = None
    platform_login_message: str | None = None
    platform_consent_message: str | None = None
    platform_consent_confirm_text: str | None = None
    platform_banner_text: str | None = None
    platform_banner_level: str | None = None
    platform_whitemark: bool | None = None


def _check_settings_name(value: str) -> str:
    if value != SETTINGS_NAME:
        raise rule_error(
            f"the platform settings are one object: metadata.name must be '{SETTINGS_NAME}'"
        )
    return value


class SettingsMetadata(StrictModel):
    name: Annotated[ObjectName, AfterValidator(_check_settings_name)] = Field(
        description=f"Always '{SETTINGS_NAME}'.", json_schema_extra={"const": SETTINGS_NAME}
    )
