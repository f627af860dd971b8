"""Values of JupiterOne's API that j1sync's manifest models, its provider and its emulator
all rely on, stated once.

A leaf module (no pydantic, no other j1sync import): the emulator reads it without
loading the manifest models, and stays quick to start.
"""

from __future__ import annotations

import re
from typing import Literal, get_args

# The one apiVersion of JupiterOne's manifests (the documents' field takes only it): the
# first system's, without a system name (providers/registry.py).
ApiVersion = Literal["j1sync/v1"]
API_VERSION: str = get_args(ApiVersion)[0]

# The manifest kinds, in the order j1sync lists them (validate's counts, export, schema)
# and applies them: models/documents.py has one document per kind, in this order (checked
# when it is imported).
KINDS: tuple[str, ...] = (
    "Question",
    "AlertRule",
    "IamGroup",
    "IntegrationSchedule",
    "ResourceGroup",
    "Parameter",
    "Dashboard",
)

# SchedulerPollingInterval / IntegrationPollingInterval in the JupiterOne schema.
PollingInterval = Literal[
    "DISABLED",
    "THIRTY_MINUTES",
    "ONE_HOUR",
    "FOUR_HOURS",
    "EIGHT_HOURS",
    "TWELVE_HOURS",
    "ONE_DAY",
    "ONE_WEEK",
]
DEFAULT_POLLING_INTERVAL: PollingInterval = "ONE_DAY"  # what the API fills in when none is sent

# QueryResultsAre in the JupiterOne schema.
ResultsAre = Literal["GOOD", "BAD", "UNKNOWN", "INFORMATIVE"]
# A question's or rule's query that gives no version or resultsAre has these (the models'
# defaults, what the provider and the emulator fill in for a live query without them).
DEFAULT_QUERY_VERSION = "v1"
DEFAULT_RESULTS_ARE: ResultsAre = "INFORMATIVE"

# The header that names the account a request is for (the API key's account).
ACCOUNT_HEADER = "JupiterOne-Account"

# Items per page of a list query: the largest page the API serves (and the emulator's
# default page).
LARGEST_PAGE = 100

# Letters, digits and underscores: what `${ param.X }` can name (and what the parameter
# store and JupiterOne's Terraform provider accept).
PARAMETER_NAME = re.compile(r"^[A-Za-z0-9_]+$")

# What a resource permission allows, in the API's order.
PERMISSION_FLAGS = ("canCreate", "canRead", "canUpdate", "canDelete")

# A resource permission's subject type when an IAM group holds it, and the resource type of
# one on a resource group (Terraform provider's jupiterone_resource_permission: "resource_type
# ... (e.g. rule, resource_group, *)").
GROUP_SUBJECT = "group"
RESOURCE_GROUP_TYPE = "resource_group"

# The screen sizes a board is laid out for, smallest first (react-grid-layout breakpoints,
# as JupiterOne's CreateInsightsDashboardLayoutConfig names them).
BREAKPOINTS = ("xs", "sm", "md", "lg", "xl")
# A board parameter's type and value type (DashboardParameterType,
# DashboardParameterValueType), and what one that names neither has.
ParameterType = Literal["QUERY_VARIABLE", "SCOPE_FILTER"]
ParameterValueType = Literal["string", "number", "boolean"]
DEFAULT_PARAMETER_TYPE: ParameterType = "QUERY_VARIABLE"
DEFAULT_PARAMETER_VALUE_TYPE: ParameterValueType = "string"
# BoardType of a board shared in the account (the other: User, personal): the only
# boards j1sync manages.
ACCOUNT_BOARD = "Account"
