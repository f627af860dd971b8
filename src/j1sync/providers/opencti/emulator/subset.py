"""The part of OpenCTI 6.9.17's schema the emulator serves, and how `schema.graphql` is cut
from the real merged schema (../shared/reference/opencti/schema-6.9.17.graphql).

`SERVED` names, per object or interface type, the fields served; input types and enums
referenced by a served field or argument come whole (an input type is what a client sends:
cutting one would refuse requests the real server takes). Every definition is copied from
the real schema's syntax tree (descriptions included) and printed again, so types, fields,
arguments, defaults and enum values are the real ones; tests/opencti/emulator/
test_schema_subset.py checks that, and that this module's cut equals the committed file.

`auth.json` is cut the same way from the real auth map (schema-6.9.17-auth.json): the
directive of every served field that has one.

Regenerate both: python -m j1sync.providers.opencti.emulator.subset \
    ../shared/reference/opencti/schema-6.9.17.graphql \
    ../shared/reference/opencti/schema-6.9.17-auth.json
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from graphql import (
    DocumentNode,
    EnumTypeDefinitionNode,
    FieldDefinitionNode,
    GraphQLObjectType,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    ScalarTypeDefinitionNode,
    TypeNode,
    UnionTypeDefinitionNode,
    assert_valid_schema,
    build_schema,
    parse,
    print_ast,
)

_BASIC = ("id", "standard_id", "entity_type", "parent_types")
_STIX_META = (
    *_BASIC,
    "x_opencti_stix_ids",
    "spec_version",
    "created_at",
    "updated_at",
    "created",
    "modified",
)
_PAGE = ("pageInfo", "edges")
_EDGE = ("cursor", "node")

SERVED: Mapping[str, tuple[str, ...]] = {
    "Query": (
        "about",
        "me",
        "settings",
        "capabilities",
        "markingDefinition",
        "markingDefinitions",
        "label",
        "labels",
        "killChainPhase",
        "killChainPhases",
        "vocabulary",
        "vocabularies",
        "vocabularyCategories",
        "role",
        "roles",
        "group",
        "groups",
        "statusTemplate",
        "statusTemplates",
        "subType",
        "subTypes",
        "taxiiCollection",
        "taxiiCollections",
        "streamCollection",
        "streamCollections",
        "feed",
        "feeds",
    ),
    "Mutation": (
        "settingsEdit",
        "markingDefinitionAdd",
        "markingDefinitionEdit",
        "labelAdd",
        "labelEdit",
        "killChainPhaseAdd",
        "killChainPhaseEdit",
        "vocabularyAdd",
        "vocabularyFieldPatch",
        "vocabularyDelete",
        "roleAdd",
        "roleEdit",
        "groupAdd",
        "groupEdit",
        "statusTemplateAdd",
        "statusTemplateFieldPatch",
        "statusTemplateDelete",
        "subTypeEdit",
        "taxiiCollectionAdd",
        "taxiiCollectionEdit",
        "streamCollectionAdd",
        "streamCollectionEdit",
        "feedAdd",
        "feedEdit",
        "feedDelete",
    ),
    "BasicObject": _BASIC,
    "InternalObject": ("id", "entity_type"),
    "PageInfo": ("startCursor", "endCursor", "hasNextPage", "hasPreviousPage", "globalCount"),
    "AppInfo": ("version",),
    "MeUser": (
        *_BASIC,
        "user_email",
        "name",
        "individual_id",
        "capabilities",
        "allowed_marking",
        "default_marking",
        "max_shareable_marking",
        "groups",
    ),
    "Capability": (*_BASIC, "name", "description", "attribute_order", "created_at", "updated_at"),
    "CapabilityConnection": _PAGE,
    "CapabilityEdge": _EDGE,
    "MarkingDefinition": (
        *_STIX_META,
        "definition_type",
        "definition",
        "x_opencti_order",
        "x_opencti_color",
    ),
    "MarkingDefinitionConnection": _PAGE,
    "MarkingDefinitionEdge": _EDGE,
    "MarkingDefinitionEditMutations": ("delete", "fieldPatch"),
    "Label": (*_STIX_META, "value", "color"),
    "LabelConnection": _PAGE,
    "LabelEdge": _EDGE,
    "LabelEditMutations": ("delete", "fieldPatch"),
    "KillChainPhase": (*_STIX_META, "kill_chain_name", "phase_name", "x_opencti_order"),
    "KillChainPhaseConnection": _PAGE,
    "KillChainPhaseEdge": _EDGE,
    "KillChainPhaseEditMutations": ("delete", "fieldPatch"),
    "Vocabulary": (
        *_STIX_META,
        "category",
        "name",
        "description",
        "usages",
        "aliases",
        "builtIn",
        "is_hidden",
        "order",
    ),
    "VocabularyConnection": _PAGE,
    "VocabularyEdge": _EDGE,
    "VocabularyDefinition": ("key", "description", "entity_types", "fields"),
    "VocabularyFieldDefinition": ("key", "required", "multiple"),
    "Role": (
        *_BASIC,
        "name",
        "description",
        "created_at",
        "updated_at",
        "capabilities",
        "capabilitiesInDraft",
        "can_manage_sensitive_config",
    ),
    "RoleConnection": _PAGE,
    "RoleEdge": _EDGE,
    "RoleEditMutations": ("delete", "fieldPatch", "relationAdd", "relationDelete"),
    "Group": (
        *_BASIC,
        "name",
        "description",
        "default_assignation",
        "auto_new_marking",
        "no_creators",
        "restrict_delete",
        "created_at",
        "updated_at",
        "roles",
        "members",
        "allowed_marking",
        "default_marking",
        "not_shareable_marking_types",
        "max_shareable_marking",
        "default_hidden_types",
        "group_confidence_level",
    ),
    "GroupConnection": _PAGE,
    "GroupEdge": _EDGE,
    "GroupEditMutations": (
        "delete",
        "fieldPatch",
        "relationAdd",
        "relationDelete",
        "editDefaultMarking",
    ),
    "UserConnection": _PAGE,
    "UserEdge": _EDGE,
    "User": (*_BASIC, "user_email", "name", "individual_id"),
    "DefaultMarking": ("entity_type", "values"),
    "ConfidenceLevel": ("max_confidence", "overrides"),
    "ConfidenceLevelOverride": ("entity_type", "max_confidence"),
    "InternalRelationship": (
        *_BASIC,
        "fromRole",
        "toRole",
        "from",
        "to",
        "created_at",
        "updated_at",
    ),
    "StatusTemplate": ("id", "name", "color", "editContext", "usages"),
    "StatusTemplateConnection": _PAGE,
    "StatusTemplateEdge": _EDGE,
    "Status": ("id", "template_id", "template", "order", "scope"),
    "SubType": ("id", "label", "statuses", "workflowEnabled"),
    "SubTypeConnection": _PAGE,
    "SubTypeEdge": _EDGE,
    "SubTypeEditMutations": ("statusAdd", "statusFieldPatch", "statusDelete"),
    "EditUserContext": ("name", "focusOn"),
    "TaxiiCollection": (
        "id",
        "name",
        "description",
        "filters",
        "include_inferences",
        "score_to_confidence",
        "taxii_public",
        "authorized_members",
    ),
    "TaxiiCollectionConnection": _PAGE,
    "TaxiiCollectionEdge": _EDGE,
    "TaxiiCollectionEditMutations": ("delete", "fieldPatch"),
    "StreamCollection": (
        "id",
        "name",
        "description",
        "filters",
        "stream_live",
        "stream_public",
        "authorized_members",
    ),
    "StreamCollectionConnection": _PAGE,
    "StreamCollectionEdge": _EDGE,
    "StreamCollectionEditMutations": ("delete", "fieldPatch"),
    "Feed": (
        "id",
        "name",
        "description",
        "filters",
        "separator",
        "rolling_time",
        "feed_date_attribute",
        "include_header",
        "feed_types",
        "feed_attributes",
        "feed_public",
        "authorized_members",
    ),
    "FeedConnection": _PAGE,
    "FeedEdge": _EDGE,
    "FeedAttribute": ("attribute", "mappings"),
    "FeedMapping": ("type", "attribute"),
    "MemberAccess": (
        "id",
        "member_id",
        "name",
        "entity_type",
        "access_right",
        "groups_restriction",
    ),
    "MemberGroupRestriction": ("id", "name"),
    "Settings": (
        *_BASIC,
        "platform_title",
        "platform_organization",
        "platform_email",
        "platform_language",
        "platform_login_message",
        "platform_consent_message",
        "platform_consent_confirm_text",
        "platform_banner_text",
        "platform_banner_level",
        "platform_whitemark",
        "platform_favicon",
        "created_at",
        "updated_at",
    ),
    "SettingsEditMutations": ("fieldPatch",),
    "Organization": ("id", "name", "description"),
}


def _named(node: TypeNode) -> str:
    while isinstance(node, (NonNullTypeNode, ListTypeNode)):
        node = node.type
    assert isinstance(node, NamedTypeNode)
    return node.name.value


def cut(real_sdl: str, served: Mapping[str, Iterable[str]] = SERVED) -> str:
    """The SDL of the served subset of `real_sdl` (definitions in the real order)."""
    document = parse(real_sdl)
    definitions = {node.name.value: node for node in document.definitions if hasattr(node, "name")}
    wanted = {name: set(fields) for name, fields in served.items()}
    keep: set[str] = set(wanted)
    pending = list(wanted)
    problems: list[str] = []
    fields_of: dict[str, list[FieldDefinitionNode]] = {}
    while pending:
        name = pending.pop()
        node = definitions.get(name)
        if node is None:
            problems.append(f"type {name} is not in the real schema")
            continue
        referenced: list[str] = []
        if isinstance(node, (ObjectTypeDefinitionNode, InterfaceTypeDefinitionNode)):
            if name not in wanted:
                problems.append(f"type {name} is referenced but its fields are not listed")
                continue
            for interface in node.interfaces or ():
                # an implementing type serves every served field of its interfaces
                wanted[name] |= wanted.get(interface.name.value, set())
            real_fields = {field.name.value: field for field in node.fields or ()}
            missing = wanted[name] - set(real_fields)
            problems += [f"{name}.{field} is not in the real schema" for field in sorted(missing)]
            chosen = [field for field in node.fields or () if field.name.value in wanted[name]]
            fields_of[name] = chosen
            for field in chosen:
                referenced.append(_named(field.type))
                referenced += [_named(arg.type) for arg in field.arguments or ()]
        elif isinstance(node, InputObjectTypeDefinitionNode):
            referenced += [_named(field.type) for field in node.fields or ()]
        elif isinstance(node, UnionTypeDefinitionNode):
            referenced += [member.name.value for member in node.types or ()]
        for ref in referenced:
            if ref not in keep and ref in definitions:
                keep.add(ref)
                pending.append(ref)
    if problems:
        raise ValueError("; ".join(sorted(set(problems))))
    out = []
    for node in document.definitions:
        def_name: str | None = getattr(getattr(node, "name", None), "value", None)
        if def_name is None or def_name not in keep:
            continue
        if isinstance(node, (ObjectTypeDefinitionNode, InterfaceTypeDefinitionNode)):
            interfaces = tuple(i for i in node.interfaces or () if i.name.value in keep)
            node = node.__class__(
                name=node.name,
                description=node.description,
                interfaces=interfaces,
                directives=(),
                fields=tuple(fields_of[def_name]),
            )
        elif isinstance(node, UnionTypeDefinitionNode):
            node = node.__class__(
                name=node.name,
                description=node.description,
                directives=(),
                types=tuple(t for t in node.types or () if t.name.value in keep),
            )
        elif not isinstance(
            node, (InputObjectTypeDefinitionNode, EnumTypeDefinitionNode, ScalarTypeDefinitionNode)
        ):
            continue
        out.append(node)
    sdl = print_ast(DocumentNode(definitions=tuple(out))) + "\n"
    assert_valid_schema(build_schema(sdl))
    return sdl


def cut_auth(real_auth: Mapping[str, Mapping[str, str]], subset_sdl: str) -> dict[str, str]:
    """ "Type.field" -> its directive text (`@auth(for: [...])`, `@public`), for every field
    of `subset_sdl` that has one in the real auth map."""
    schema = build_schema(subset_sdl)
    found: dict[str, str] = {}
    for type_name, graphql_type in sorted(schema.type_map.items()):
        if type_name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
            continue
        for field_name in graphql_type.fields:
            entry = real_auth.get(f"{type_name}.{field_name}")
            if entry and entry.get("auth"):
                found[f"{type_name}.{field_name}"] = entry["auth"]
    return found


def main(argv: list[str]) -> int:
    """Write schema.graphql and auth.json beside this module from the real files."""
    if len(argv) != 2:
        print(
            "usage: python -m j1sync.providers.opencti.emulator.subset REAL_SCHEMA REAL_AUTH",
            file=sys.stderr,
        )
        return 2
    here = Path(__file__).parent
    sdl = cut(Path(argv[0]).read_text(encoding="utf-8"))
    (here / "schema.graphql").write_text(sdl, encoding="utf-8")
    auth = cut_auth(json.loads(Path(argv[1]).read_text(encoding="utf-8")), sdl)
    (here / "auth.json").write_text(json.dumps(auth, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
