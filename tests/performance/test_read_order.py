"""The JupiterOne provider starts its reads in a fixed order, the longest chain of pages
first: the client sends its very first request alone (until the account's quota headers
are known), and that request is the rules' first page, whose chain of pages is the read's
critical path. Checked on the requests as they leave for the emulator (urllib3's
connection pool, what any HTTP client of requests goes through)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from urllib3.connectionpool import HTTPConnectionPool

from j1sync.engine.contract import no_part
from j1sync.providers.jupiterone import JupiterOneClient, JupiterOneProvider
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.jupiterone.settings import Settings
from tests.e2e.conftest import API_KEY

RULES_PAGE = "J1SyncListRuleInstances"


def test_the_rules_first_page_is_the_first_request(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[str] = []
    urlopen = HTTPConnectionPool.urlopen

    def noted(self: HTTPConnectionPool, method: str, url: str, body: Any = None, **kw: Any) -> Any:
        sent.append(json.loads(body).get("operationName", "") if body else url)
        return urlopen(self, method, url, body=body, **kw)

    monkeypatch.setattr(HTTPConnectionPool, "urlopen", noted)
    with running_emulator(db=":memory:", seed="demo", api_key=API_KEY, page_size=3) as emu:
        settings = Settings(api_key=emu.api_key, account=emu.account, api_url=emu.url)
        for _ in range(3):
            sent.clear()
            provider = JupiterOneProvider(JupiterOneClient(settings))
            try:
                live = provider.read_live_in_parts(None, no_part)
            finally:
                provider.close()
            assert any(obj.kind == "AlertRule" for obj in live)
            assert sent[0] == RULES_PAGE, sent[:3]
