"""How the emulated xyOps API refuses a request: `{code, description}` and an HTTP status.

The docs (api-v1.0.88.md "Standard Response Format") give the body: `code` is 0 on success,
any other value on error, with a `description`; their one example is
`{"code": "session", "description": "No Session ID or API Key could be found"}`. The error
codes used here for the other refusals (`api` for a missing or malformed parameter, the
object's own name such as `category` for a missing, duplicate or in-use object) and the
HTTP statuses are guesses recorded in docs/api-fidelity.md ("xyOps"): the reference notes
name 400/403/404/429/500 on /v1 URLs.
"""

from __future__ import annotations

from dataclasses import dataclass

BAD_REQUEST = 400
FORBIDDEN = 403
NOT_FOUND = 404
NOT_ALLOWED = 405
TOO_MANY = 429
SERVER_ERROR = 500


@dataclass
class ApiError(Exception):
    """A refusal: nothing was changed."""

    code: str
    description: str
    status: int = BAD_REQUEST

    def body(self) -> dict[str, str]:
        return {"code": self.code, "description": self.description}


def missing(name: str) -> ApiError:
    return ApiError("api", f"Missing parameter: {name}")


def malformed(name: str, why: str = "") -> ApiError:
    return ApiError("api", f"Malformed parameter: {name}" + (f" ({why})" if why else ""))
