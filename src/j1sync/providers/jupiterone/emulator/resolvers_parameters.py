"""The account parameter store: parameter, parameterList, setParameter, deleteParameter.

As reference/jupiterone/parameters.md describes it: a value is a string, number, boolean
or a list of those; `secret` defaults to false; a secret value is write-only (every read
returns a redacted value, the metadata stays readable), and a secret parameter is made
non-secret only together with a new value. Names are letters, digits and underscores (as
the Terraform provider documents). A missing parameter reads as null (the schema's
`ParameterResponse` is nullable); deleting one is NOT_FOUND.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from j1sync.emulator.store import JsonObject
from j1sync.providers.jupiterone.emulator.api_errors import bad_input, not_found
from j1sync.providers.jupiterone.emulator.backend import Backend, Resolver
from j1sync.providers.jupiterone.values import PARAMETER_NAME

SERVICE = "parameters"
COLLECTION = "parameters"
# What every read of a secret parameter returns in place of its value.
REDACTED = "********"
_SCALARS = (str, int, float, bool)


def _check_name(name: str) -> None:
    if not PARAMETER_NAME.fullmatch(name):
        raise bad_input(
            f"Invalid parameter name {name!r}: use letters, digits and underscores only",
            SERVICE,
        )


def _check_value(value: Any) -> None:
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, _SCALARS) for item in items):
        raise bad_input(
            "Invalid parameter value: expected a string, number, boolean or a list of those",
            SERVICE,
        )


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _as_read(stored: JsonObject) -> JsonObject:
    """What a read returns: a secret's value is never sent back."""
    return {
        "name": stored["name"],
        "value": REDACTED if stored["secret"] else stored["value"],
        "secret": stored["secret"],
        "lastUpdatedOn": stored["lastUpdatedOn"],
    }


def get_parameter(backend: Backend, name: str) -> JsonObject | None:
    stored = backend.store.get(COLLECTION, name)
    return None if stored is None else _as_read(stored)


def list_parameters(backend: Backend, limit: int | None, cursor: str | None) -> JsonObject:
    items, page_info = backend.page(COLLECTION, cursor, limit)
    return {"items": [_as_read(item) for item in items], "pageInfo": page_info}


def set_parameter(backend: Backend, name: str, value: Any, secret: bool | None) -> JsonObject:
    _check_name(name)
    _check_value(value)
    secret = bool(secret)
    existing = backend.store.get(COLLECTION, name)
    if existing is not None and existing["secret"] and not secret and existing["value"] == value:
        raise bad_input(
            f"Parameter {name} is secret: it can only be made non-secret with a new value",
            SERVICE,
        )
    stored = {
        "id": name,
        "name": name,
        "value": value,
        "secret": secret,
        "lastUpdatedOn": _now_iso(),
    }
    if existing is None:
        backend.store.insert(COLLECTION, stored)
    else:
        backend.store.replace(COLLECTION, stored)
    return {"success": True}


def delete_parameter(backend: Backend, name: str) -> JsonObject:
    if not backend.store.delete(COLLECTION, name):
        raise not_found(f"Parameter {name} does not exist", SERVICE)
    return {"success": True}


def add_seed_parameter(backend: Backend, data: JsonObject) -> None:
    set_parameter(backend, data["name"], data["value"], data.get("secret"))


def resolvers(backend: Backend) -> dict[str, Resolver]:
    return {
        "parameter": lambda _, name: get_parameter(backend, name),
        "parameterList": lambda _, limit=None, cursor=None: list_parameters(backend, limit, cursor),
        "setParameter": lambda _, name, value, secret=None: set_parameter(
            backend, name, value, secret
        ),
        "deleteParameter": lambda _, name: delete_parameter(backend, name),
    }
