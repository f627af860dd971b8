"""create_event and update_event keep a magic link trigger's key only as its token,
sha256(key + event id) in hex (1.0.88 lib/api/events.js setupMagicTriggers)."""

from __future__ import annotations

import hashlib

from tests.xyops.emulator.conftest import Api


def test_the_emulator_keeps_a_magic_key_as_its_token(api: Api) -> None:
    job = {"title": "J", "category": "general", "plugin": "shellplug", "targets": ["main"]}
    magic = {"type": "magic", "enabled": True, "key": "abc"}
    created = api.ok("create_event", {"id": "j", "algo": "random", **job, "triggers": [magic]})
    token = hashlib.sha256(b"abcj").hexdigest()
    assert created["event"]["triggers"] == [{"type": "magic", "enabled": True, "token": token}]
    api.ok("update_event", {"id": "j", "triggers": [{**magic, "key": "xyz"}]})
    [stored] = api.ok("get_event", {"id": "j"})["event"]["triggers"]
    assert stored["token"] == hashlib.sha256(b"xyzj").hexdigest() and "key" not in stored
