"""What a fresh OpenCTI 6.9.17 platform holds before anyone configures it: the
capabilities, the default roles (Administrator, Connector, Default) and groups
(Administrators, Connectors, Default), the TLP and PAP marking definitions, a subset of
the built-in vocabularies, the default status templates and the platform settings; and the
emulator's two users (an administrator and a limited analyst) with their API tokens.

Every seeded object carries `builtIn: true` in the store (the API shows it where the schema
has the field: Vocabulary.builtIn); `BUILT_IN` lists their natural keys for whoever needs
to refuse deleting them. Which capabilities the default Connector and Default roles hold,
and the default colours, are guesses from OpenCTI's initialization code (api-fidelity.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from j1sync.providers.opencti.emulator.ids import KEYS, STIX_SPEC_VERSION, standard_id

JsonObject = dict[str, Any]

SEED_TIME = "2026-01-01T00:00:00.000Z"
ADMIN_TOKEN = "d434ce02-e58e-4cac-8b4c-42bf16748e84"  # a fixed demo token (a UUID, as OpenCTI's)
ANALYST_TOKEN = "8a5c1f37-2b7e-4e5d-9d6b-3f1e0a6c2b90"
ADMIN_EMAIL = "admin@opencti.io"
ANALYST_EMAIL = "analyst@opencti.io"
SETTINGS_ID = "7fbd5a6a-6c5c-4b8c-9c0e-0b4c2b1f3d10"

# Capability name -> description (the `Capabilities` enum of the schema, in its order).
CAPABILITIES: Mapping[str, str] = {
    "BYPASS": "Bypass all capabilities",
    "CONNECTORAPI": "Connectors API usage: register, ping, export push ...",
    "KNOWLEDGE": "Access knowledge",
    "KNOWLEDGE_KNUPDATE": "Create / Update knowledge",
    "KNOWLEDGE_KNPARTICIPATE": "Access to collaborative creation",
    "KNOWLEDGE_KNUPDATE_KNDELETE": "Delete knowledge",
    "KNOWLEDGE_KNUPDATE_KNMERGE": "Merge knowledge",
    "KNOWLEDGE_KNUPDATE_KNORGARESTRICT": "Restrict organization access",
    "KNOWLEDGE_KNUPDATE_KNMANAGEAUTHMEMBERS": "Manage authorized members",
    "KNOWLEDGE_KNUPLOAD": "Upload knowledge files",
    "KNOWLEDGE_KNASKIMPORT": "Import knowledge",
    "KNOWLEDGE_KNGETEXPORT": "Download knowledge export",
    "KNOWLEDGE_KNGETEXPORT_KNASKEXPORT": "Generate knowledge export",
    "KNOWLEDGE_KNENRICHMENT": "Ask for knowledge enrichment",
    "KNOWLEDGE_KNDISSEMINATION": "Disseminate files by email",
    "EXPLORE": "Access exploration",
    "EXPLORE_EXUPDATE": "Create / Update exploration",
    "EXPLORE_EXUPDATE_EXDELETE": "Delete exploration",
    "EXPLORE_EXUPDATE_PUBLISH": "Manage public dashboards",
    "INVESTIGATION": "Access investigations",
    "INVESTIGATION_INUPDATE": "Create / Update investigations",
    "INVESTIGATION_INUPDATE_INDELETE": "Delete investigations",
    "MODULES": "Access connectors",
    "MODULES_MODMANAGE": "Manage connector state",
    "PIRAPI": "Access PIRs",
    "PIRAPI_PIRUPDATE": "Create / Update PIRs",
    "AUTOMATION": "Access automation",
    "AUTOMATION_AUTMANAGE": "Manage automations",
    "SETTINGS": "Access administration",
    "SETTINGS_SETMANAGEXTMHUB": "Manage XTM hub",
    "SETTINGS_SETPARAMETERS": "Manage parameters",
    "SETTINGS_SETACCESSES": "Manage credentials",
    "SETTINGS_SETMARKINGS": "Manage marking definitions",
    "SETTINGS_SETDISSEMINATION": "Manage dissemination lists",
    "SETTINGS_SETLABELS": "Manage labels",
    "SETTINGS_SETVOCABULARIES": "Manage vocabularies",
    "SETTINGS_SETCASETEMPLATES": "Manage case templates",
    "SETTINGS_SETSTATUSTEMPLATES": "Manage status templates",
    "SETTINGS_SETKILLCHAINPHASES": "Manage kill chain phases",
    "SETTINGS_SETCUSTOMIZATION": "Manage customization",
    "SETTINGS_SECURITYACTIVITY": "Access security activity",
    "SETTINGS_FILEINDEXING": "Access to file indexing",
    "SETTINGS_SUPPORT": "Access to support data",
    "TAXIIAPI": "Access data sharing",
    "TAXIIAPI_SETCOLLECTIONS": "Manage data sharing",
    "INGESTION": "Access ingestion",
    "INGESTION_SETINGESTIONS": "Manage ingestion",
    "CSVMAPPERS": "Manage CSV mappers",
    "VIRTUAL_ORGANIZATION_ADMIN": "Manage users of its own organizations",
}

ROLES: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "Administrator": ("Administrator role that bypass every capabilities", ("BYPASS",)),
    "Connector": (
        "Connector role that has the recommended capabilities",
        (
            "KNOWLEDGE_KNUPDATE_KNDELETE",
            "KNOWLEDGE_KNUPLOAD",
            "KNOWLEDGE_KNASKIMPORT",
            "KNOWLEDGE_KNGETEXPORT_KNASKEXPORT",
            "KNOWLEDGE_KNENRICHMENT",
            "CONNECTORAPI",
            "MODULES_MODMANAGE",
            "TAXIIAPI_SETCOLLECTIONS",
            "SETTINGS_SETMARKINGS",
            "SETTINGS_SETLABELS",
        ),
    ),
    "Default": (
        "Default role associated to the default group",
        ("KNOWLEDGE", "EXPLORE", "INVESTIGATION", "TAXIIAPI"),
    ),
}

# name -> (description, roles, default_assignation, max confidence)
GROUPS: Mapping[str, tuple[str, tuple[str, ...], bool, int]] = {
    "Administrators": ("Platform administrators", ("Administrator",), False, 100),
    "Connectors": ("Connectors group", ("Connector",), False, 100),
    "Default": ("Default group associated to all users", ("Default",), True, 100),
}

# (definition_type, definition, x_opencti_order, x_opencti_color)
MARKINGS: tuple[tuple[str, str, int, str], ...] = (
    ("TLP", "TLP:CLEAR", 1, "#ffffff"),
    ("TLP", "TLP:GREEN", 2, "#2e7d32"),
    ("TLP", "TLP:AMBER", 3, "#d84315"),
    ("TLP", "TLP:AMBER+STRICT", 3, "#d84315"),
    ("TLP", "TLP:RED", 4, "#c62828"),
    ("PAP", "PAP:CLEAR", 1, "#ffffff"),
    ("PAP", "PAP:GREEN", 2, "#2e7d32"),
    ("PAP", "PAP:AMBER", 3, "#d84315"),
    ("PAP", "PAP:RED", 4, "#c62828"),
)

# category -> built-in names (a subset of OpenCTI's open vocabularies)
VOCABULARIES: Mapping[str, tuple[str, ...]] = {
    "report_types_ov": ("internal-report", "threat-report"),
    "pattern_type_ov": (
        "eql",
        "pcre",
        "shodan",
        "sigma",
        "snort",
        "spl",
        "stix",
        "suricata",
        "yara",
    ),
    "malware_type_ov": ("backdoor", "bot", "ransomware", "remote-access-trojan", "trojan", "worm"),
    "indicator_type_ov": (
        "anomalous-activity",
        "attribution",
        "benign",
        "compromised",
        "malicious-activity",
    ),
    "case_severity_ov": ("critical", "high", "medium", "low"),
    "case_priority_ov": ("P1", "P2", "P3", "P4"),
}

# category -> (entity types using it, fields) for vocabularyCategories and Vocabulary.category
VOCABULARY_USES: Mapping[str, tuple[tuple[str, ...], tuple[tuple[str, bool, bool], ...]]] = {
    "report_types_ov": (("Report",), (("report_types", False, True),)),
    "pattern_type_ov": (("Indicator",), (("pattern_type", True, False),)),
    "malware_type_ov": (("Malware",), (("malware_types", False, True),)),
    "indicator_type_ov": (("Indicator",), (("indicator_types", False, True),)),
    "case_severity_ov": (("Case-Incident",), (("severity", False, False),)),
    "case_priority_ov": (("Case-Incident",), (("priority", False, False),)),
}

# name -> colour
STATUS_TEMPLATES: Mapping[str, str] = {
    "NEW": "#ff9800",
    "IN_PROGRESS": "#5c7bf5",
    "PENDING": "#5c7bf5",
    "TO_BE_QUALIFIED": "#5c7bf5",
    "ANALYZED": "#4caf50",
    "CLOSED": "#607d8b",
}

# Entity types whose workflow `subTypes` serves (a subset of the platform's), all of them
# sub types of WORKFLOW_PARENT.
WORKFLOW_TYPES: tuple[str, ...] = (
    "Report",
    "Grouping",
    "Case-Incident",
    "Case-Rfi",
    "Case-Rft",
    "Incident",
    "Note",
    "Opinion",
    "Feedback",
    "Task",
)

SETTINGS: Mapping[str, Any] = {
    "platform_title": "OpenCTI - Cyber Threat Intelligence Platform",
    "platform_email": "admin@opencti.io",
    "platform_language": "auto",
    "platform_favicon": None,
    "platform_login_message": None,
    "platform_consent_message": None,
    "platform_consent_confirm_text": None,
    "platform_banner_text": None,
    "platform_banner_level": None,
    "platform_whitemark": False,
    "platform_organization": None,
}

_SEED_NAMESPACE = uuid.UUID("3f0c52a1-8e0b-4a52-9c7c-6b1f3d2e9a41")


def seeded_id(standard: str) -> str:
    """The internal id of a seeded object: stable across restarts and resets."""
    return str(uuid.uuid5(_SEED_NAMESPACE, standard))


def _base(entity_type: str, body: JsonObject) -> JsonObject:
    sid = standard_id(entity_type, body) if entity_type in _KEYED else str(uuid.uuid4())
    return {
        "id": seeded_id(sid),
        "standard_id": sid,
        "entity_type": entity_type,
        "created_at": SEED_TIME,
        "updated_at": SEED_TIME,
        "builtIn": True,
        **body,
    }


_KEYED = frozenset(KEYS)
# what OpenCTI stores on a STIX meta object it creates (the seeded markings, vocabularies)
_STIX_META_FIELDS = {"spec_version": STIX_SPEC_VERSION, "created": SEED_TIME, "modified": SEED_TIME}


def seed_objects() -> dict[str, list[JsonObject]]:
    """Collections of a fresh platform, relations by internal id."""
    capabilities = [
        _base("Capability", {"name": name, "description": text, "attribute_order": order})
        for order, (name, text) in enumerate(CAPABILITIES.items(), start=1)
    ]
    cap_ids = {cap["name"]: cap["id"] for cap in capabilities}
    roles = [
        _base(
            "Role",
            {
                "name": name,
                "description": text,
                "capability_ids": [cap_ids[c] for c in caps],
                "can_manage_sensitive_config": name == "Administrator",
            },
        )
        for name, (text, caps) in ROLES.items()
    ]
    role_ids = {role["name"]: role["id"] for role in roles}
    markings = [
        _base(
            "Marking-Definition",
            {
                "definition_type": kind,
                "definition": definition,
                "x_opencti_order": order,
                "x_opencti_color": color,
                **_STIX_META_FIELDS,
            },
        )
        for kind, definition, order, color in MARKINGS
    ]
    all_markings = [marking["id"] for marking in markings]
    groups = [
        _base(
            "Group",
            {
                "name": name,
                "description": text,
                "role_ids": [role_ids[r] for r in group_roles],
                "default_assignation": assign,
                "auto_new_marking": name == "Administrators",
                "no_creators": False,
                "restrict_delete": False,
                "allowed_marking_ids": all_markings if name != "Default" else [],
                "default_marking": [],
                "max_shareable_markings": [],
                "default_hidden_types": [],
                "group_confidence_level": {"max_confidence": confidence, "overrides": []},
            },
        )
        for name, (text, group_roles, assign, confidence) in GROUPS.items()
    ]
    group_ids = {group["name"]: group["id"] for group in groups}
    vocabularies = [
        _base(
            "Vocabulary",
            {
                "name": name,
                "category": category,
                "description": None,
                "aliases": [],
                "is_hidden": False,
                "order": order,
                **_STIX_META_FIELDS,
            },
        )
        for category, names in VOCABULARIES.items()
        for order, name in enumerate(names)
    ]
    templates = [
        _base("Status-Template", {"name": name, "color": color})
        for name, color in STATUS_TEMPLATES.items()
    ]
    users = [
        {
            "id": seeded_id("user--admin"),
            "standard_id": "user--admin",
            "entity_type": "User",
            "name": "admin",
            "user_email": ADMIN_EMAIL,
            "token": ADMIN_TOKEN,
            "group_ids": [group_ids["Administrators"]],
            "builtIn": True,
        },
        {
            "id": seeded_id("user--analyst"),
            "standard_id": "user--analyst",
            "entity_type": "User",
            "name": "analyst",
            "user_email": ANALYST_EMAIL,
            "token": ANALYST_TOKEN,
            "group_ids": [group_ids["Default"]],
            "builtIn": True,
        },
    ]
    settings = {
        "id": SETTINGS_ID,
        "standard_id": f"settings--{SETTINGS_ID}",
        "entity_type": "Settings",
        "created_at": SEED_TIME,
        "updated_at": SEED_TIME,
        "builtIn": True,
        **SETTINGS,
    }
    return {
        "capabilities": capabilities,
        "roles": roles,
        "groups": groups,
        "markings": markings,
        "labels": [],
        "kill_chain_phases": [],
        "vocabularies": vocabularies,
        "status_templates": templates,
        "statuses": [],
        "taxii_collections": [],
        "stream_collections": [],
        "feeds": [],
        "users": users,
        "settings": [settings],
    }


BUILT_IN: Mapping[str, frozenset[tuple[str, ...]]] = {
    "Role": frozenset((name,) for name in ROLES),
    "Group": frozenset((name,) for name in GROUPS),
    "Marking-Definition": frozenset((kind, definition) for kind, definition, _, _ in MARKINGS),
    "Vocabulary": frozenset(
        (name, category) for category, names in VOCABULARIES.items() for name in names
    ),
    "Status-Template": frozenset((name,) for name in STATUS_TEMPLATES),
}
