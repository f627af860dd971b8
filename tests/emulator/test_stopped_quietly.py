"""A request still handled once its emulator is stopped (a client's connection kept open,
as every pooled client keeps it, the store closed under the handler) printed a traceback
('Cannot operate on a closed database') from the handler's thread: into whatever took
the process's stderr then, another test's run in the same worker included. A stopped
emulator now lets such a request end with its connection, silently; a request to a
running one that fails is still reported."""

from __future__ import annotations

import contextlib
import http.client
import json

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.opencti.emulator import running_opencti_emulator

# a query each emulator answers from its store
QUERIES = {
    "jupiterone": "{ questions(limit: 1) { questions { id } } }",
    "opencti": "{ me { id } }",
}


def _post(connection: http.client.HTTPConnection, headers: dict[str, str], query: str) -> None:
    connection.request("POST", "/graphql", body=json.dumps({"query": query}), headers=headers)
    connection.getresponse().read()


@pytest.mark.parametrize("system", ["jupiterone", "opencti"])
def test_a_request_on_a_kept_connection_after_the_stop_prints_nothing(
    system: str, capfd: pytest.CaptureFixture[str]
) -> None:
    if system == "jupiterone":
        served = running_emulator(seed=None)
    else:
        served = running_opencti_emulator(seed="fresh")
    with served as emu:
        host, port = emu.url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=5)
        if system == "jupiterone":
            headers = {
                "Authorization": f"Bearer {emu.api_key}",
                "LifeOmic-Account": emu.account,
                "Content-Type": "application/json",
            }
        else:
            headers = {"Authorization": f"Bearer {emu.token}", "Content-Type": "application/json"}
        _post(connection, headers, QUERIES[system])  # its handler waits on this connection
    # answered (JupiterOne's store outlives the stop), or the connection ends
    with contextlib.suppress(http.client.HTTPException, OSError):
        _post(connection, headers, QUERIES[system])
    connection.close()
    err = capfd.readouterr().err
    assert "Traceback" not in err and "closed database" not in err, err
