"""http/client.ApiClient._redact: whatever a system's settings call the credential (xyOps's
and JupiterOne's `api_key`, OpenCTI's `token`), a server message echoing it is shown without it
(ServerSettings.credential)."""

from __future__ import annotations

from j1sync.engine.sensitive import REDACTED
from j1sync.http.client import ApiClient
from j1sync.providers.jupiterone.client import JupiterOneClient
from j1sync.providers.jupiterone.settings import Settings
from j1sync.providers.opencti.client import OpenCtiClient
from j1sync.providers.opencti.settings import OpenCtiSettings
from j1sync.providers.xyops.client import XyopsClient
from j1sync.providers.xyops.settings import XyopsSettings

KEY = "j1syncSecretCredential0123456789"


def _clients() -> list[ApiClient[OpenCtiSettings] | ApiClient[XyopsSettings] | ApiClient[Settings]]:
    return [
        JupiterOneClient(Settings(api_key=KEY, account="acct", api_url="http://127.0.0.1:9")),
        OpenCtiClient(OpenCtiSettings(token=KEY, url="http://127.0.0.1:9")),
        XyopsClient(XyopsSettings(api_key=KEY, url="http://127.0.0.1:9")),
    ]


def test_each_clients_credential_is_redacted_from_server_text() -> None:
    for client in _clients():
        assert client.settings.credential == KEY
        said = client._redact(f"invalid key {KEY} for this user")
        assert KEY not in said, type(client).__name__
        assert said == f"invalid key {REDACTED} for this user"
        assert KEY not in repr(client) and KEY not in repr(client.settings)
        client.close()
