"""The API values stated once in j1sync.providers.jupiterone.values agree with the manifest models
that also spell them out (pydantic needs a field per flag)."""

from __future__ import annotations

from typing import get_args

from j1sync.providers.jupiterone.models.resource_group import ResourcePermission
from j1sync.providers.jupiterone.values import (
    DEFAULT_POLLING_INTERVAL,
    PERMISSION_FLAGS,
    PollingInterval,
)


def test_a_resource_permission_has_a_field_per_flag_in_the_api_order() -> None:
    fields = tuple(name for name in ResourcePermission.model_fields if name.startswith("can"))
    assert fields == PERMISSION_FLAGS


def test_the_default_polling_interval_is_one_of_the_intervals() -> None:
    assert DEFAULT_POLLING_INTERVAL in get_args(PollingInterval)
