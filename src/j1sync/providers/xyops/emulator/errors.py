"""How the emulated xyOps API refuses a request: `{code, description}` and an HTTP status.

The docs (api-v1.0.88.md "Standard Response Format") give the body: `code` is 0 on success,
any other value on error, with a `description`; their one example is
`{"code": "session", "description": "No Session ID or API Key could be found"}`. xyOps
1.0.88's own source (pixlcore/xyops lib/api.js `doError`) gives the rest: `api` for a
missing or malformed parameter, `notfound` for a get of an unknown id, the object's own
name (`tag`, `event`, `category`) for a duplicate, in-use, stale or unknown object in a
write; and on /v1 URLs the HTTP status follows the code (`STATUS_OF_CODE`), any other code
500.
"""

from __future__ import annotations

from dataclasses import dataclass

BAD_REQUEST = 400
FORBIDDEN = 403
NOT_FOUND = 404
NOT_ALLOWED = 405
TOO_MANY = 429
SERVER_ERROR = 500


# lib/api.js doError: the HTTP status of a /v1 URL's refusal by its code; any other 500.
STATUS_OF_CODE = {
    "api": BAD_REQUEST,
    "access": FORBIDDEN,
    "session": FORBIDDEN,
    "rate": TOO_MANY,
    "notfound": NOT_FOUND,
}


@dataclass
class ApiError(Exception):
    """A refusal: nothing was changed. The HTTP status is its code's (STATUS_OF_CODE)
    unless given."""

    code: str
    description: str
    given_status: int | None = None

    @property
    def status(self) -> int:
        if self.given_status is not None:
            return self.given_status
        return STATUS_OF_CODE.get(self.code, SERVER_ERROR)

    def body(self) -> dict[str, str]:
        return {"code": self.code, "description": self.description}


def missing(name: str) -> ApiError:
    return ApiError("api", f"Missing parameter: {name}")


def malformed(name: str, why: str = "") -> ApiError:
    return ApiError("api", f"Malformed parameter: {name}" + (f" ({why})" if why else ""))
