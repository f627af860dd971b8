"""IamGroup: an IAM group, its ABAC permissions, query policy and (optionally) members."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StrictBool, WithJsonSchema, field_validator
from pydantic.json_schema import SkipJsonSchema

from j1sync.manifest.list_identity import ListIdentity
from j1sync.manifest.model_base import WHITESPACE, SchemaRules, StrictModel, rule_error
from j1sync.providers.jupiterone.models.permissions import ABAC_PERMISSIONS, check_permission

# Deliberately loose: one @, no spaces, a dot in the domain. The API is the final judge;
# this catches the usual slips (a name instead of an email, a missing domain). Whitespace
# spelt out: the schema's pattern, which an editor reads as JavaScript.
EMAIL = re.compile(f"^[^@{WHITESPACE}]+@[^@{WHITESPACE}]+\\.[^@{WHITESPACE}.]+$")


def check_email(value: str) -> str:
    if not EMAIL.fullmatch(value):
        raise rule_error(f"'{value}' is not an email address")
    return value


Permission = Annotated[
    str,
    AfterValidator(check_permission),
    WithJsonSchema({"type": "string", "enum": list(ABAC_PERMISSIONS)}),
]
Email = Annotated[str, AfterValidator(check_email), SchemaRules(pattern=EMAIL.pattern)]
# queryPolicy values: a scalar or a list of scalars (the API's JSON type for queryPolicy).
PolicyScalar = StrictBool | int | float | str
QueryPolicyStatement = Annotated[
    dict[str, PolicyScalar | list[PolicyScalar]], SchemaRules(minProperties=1)
]  # not empty: IamGroupSpec._statements_not_empty


# What an empty query-policy statement grants is not documented (api-docs.md, "Create IAM
# Group": a statement is a JSON object of properties); on an access-control field, that
# must not pass unnoticed.
EMPTY_STATEMENT = (
    "an empty query-policy statement: JupiterOne does not document what one grants; "
    "give the properties it allows (e.g. {_type: [aws_instance]}) or remove it"
)


def empty_statement_problem(statements: Any) -> str | None:
    """The first empty statement of a live query policy, as export would write it: a
    manifest cannot hold it (EMPTY_STATEMENT), so export leaves the group out."""
    for index, statement in enumerate(statements or []):
        if not statement:
            return f"spec.queryPolicy[{index}]: {EMPTY_STATEMENT}"
    return None


class IamGroupSpec(StrictModel):
    """metadata.name is the group name."""

    description: str | None = None
    abacPermissions: list[Permission] = Field(
        default_factory=list, json_schema_extra={"uniqueItems": True}
    )
    queryPolicy: list[QueryPolicyStatement] = Field(default_factory=list)
    # None = membership not managed (key absent); [] = the group must have no members.
    members: list[Email] | SkipJsonSchema[None] = Field(
        default=None,
        description="Emails. Present: membership is authoritative. Absent: not managed.",
        json_schema_extra={"uniqueItems": True},
    )

    @field_validator("abacPermissions")
    @classmethod
    def _permissions_unique(cls, permissions: list[str]) -> list[str]:
        seen: set[str] = set()
        for index, permission in enumerate(permissions):
            if permission in seen:
                raise rule_error(f"duplicate permission '{permission}'", (index,))
            seen.add(permission)
        return permissions

    @field_validator("queryPolicy")
    @classmethod
    def _statements_not_empty(cls, statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for index, statement in enumerate(statements):
            if not statement:
                raise rule_error(EMPTY_STATEMENT, (index,))
        return statements

    @field_validator("members", mode="before")
    @classmethod
    def _members_not_null(cls, value: Any) -> Any:
        # `members:` with nothing after it is null in YAML; guessing between "remove
        # everyone" and "do not manage" would be dangerous either way.
        if value is None:
            raise rule_error(
                "members is null: write [] to remove all members, or omit the key to leave "
                "membership unmanaged"
            )
        return value

    @field_validator("members")
    @classmethod
    def _members_unique(cls, members: list[str] | None) -> list[str] | None:
        seen: set[str] = set()
        for index, email in enumerate(members or []):
            if email.lower() in seen:
                raise rule_error(f"duplicate member '{email}'", (index,))
            seen.add(email.lower())
        return members


# Query-policy statements are told apart by their whole content; members (emails) and
# permissions, lists of plain values, by the value itself.
GROUP_LISTS = (ListIdentity("queryPolicy"),)
