"""A regular expression xyOps compiles (`hostname_match`, `data_match`, a field's `regex`)
is judged as Node 20's `new RegExp(text)` judges it, by j1sync and by the emulator alike
(js_regex.py). Before, Python's `re` judged the look-behinds: a valid JavaScript one of
any width (`(?<=^|\\.)db\\d+`) was refused ("look-behind requires fixed-width pattern"),
and a repeated one, which Node refuses (`(?<=a)*db`: "Invalid quantifier"), was taken and
failed half-way through an apply against a real xyOps. Other Python readings went wrong
the same way: `\\A` and `\\Z` (JavaScript's `A` and `Z`), `[\\B]`, `\\a` in a class range,
`[\\2-\\t]` (an octal escape in a class), a count past 2**32, a group name with `$` or
not ASCII, `\\k` in a class, more than V8's 32,767 capturing groups."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.errors import ApiError
from j1sync.providers.xyops.js_regex import regex_problem
from tests.xyops.helpers import CliServer, target

KEY = "s25XyOpsRegexKey0123456789"
TAKEN, REFUSED = True, False

# What Node 20 (v20.20.2) answers to `new RegExp(text)`, the text as xyOps is given it
NODE_20 = {
    # look-behinds: any width, never repeated
    r"(?<=^|\.)db\d+": TAKEN,
    r"(?<!db\d+)x": TAKEN,
    r"(?<=a+)b": TAKEN,
    r"(?<=a|bc)d": TAKEN,
    r"(?<!a{2,})b": TAKEN,
    r"(?<=(?<=a+)b)c": TAKEN,
    r"(?<=(a+))\1": TAKEN,
    r"(?<=a)*db": REFUSED,  # Invalid quantifier
    r"(?<!a)+x": REFUSED,
    r"(?<=a){2}b": REFUSED,
    r"(?<=a)?b": REFUSED,
    r"(?<=a)*?b": REFUSED,
    r"(?<!){1,3}x": REFUSED,
    r"(?:(?<=a))*b": TAKEN,  # the group around it is repeated, not the look-behind
    r"(?<=a){b": TAKEN,  # a '{' starting no quantifier is itself
    r"(?<=a){,2}": TAKEN,
    # look-aheads may be repeated without the u flag (Annex B QuantifiableAssertion)
    r"(?=a)*b": TAKEN,
    r"(?!a){2}b": TAKEN,
    # Python's escapes that JavaScript reads as the letter itself
    r"^db\A{2}": TAKEN,
    r"db\Z*": TAKEN,
    r"[\A\Z]": TAKEN,
    r"[\B]": TAKEN,
    r"[\a-\n]": REFUSED,  # a (0x61) to newline: Range out of order in character class
    r"[\n-a]": TAKEN,
    # a digit escape in a class is an octal escape (or 8, 9), never a back reference
    r"[\2-\t]": TAKEN,
    r"[\t-\2]": REFUSED,
    r"[\9-\8]": REFUSED,
    # counts of any size, in order
    "a{99999999999}": TAKEN,
    "a{1,99999999999999999999}": TAKEN,
    "a{99999999999,1}": REFUSED,
    "a{,3}": TAKEN,
    # named groups: any identifier, escapes read; no duplicates
    "(?<a$>x)(?<a_>y)": TAKEN,
    "(?<é>x)\\k<é>": TAKEN,
    r"(?<\u0061>x)\k<a>": TAKEN,
    "(?<a·>x)": TAKEN,
    "(?<·>x)": REFUSED,
    "(?<a>x)(?<a>y)": REFUSED,
    r"(?<a>x)\k<b>": REFUSED,
    r"(?<a>x)[\k<a>]": REFUSED,  # Invalid escape
    r"[\k<a>]": TAKEN,  # no named group: \k is k
    # Python-only syntax
    "(?i)db": REFUSED,
    "(?i:db)": REFUSED,  # modifiers came after Node 20's V8
    "(?P<n>x)": REFUSED,
    r"db\d++": REFUSED,
    # V8 takes 32,767 capturing groups at most
    "()" * 32767: TAKEN,
    "()" * 32768: REFUSED,
}


def _shown(text: str) -> str:
    return text if len(text) < 40 else f"{text[:12]}... ({len(text)} characters)"


def _node_verdicts(texts: list[str]) -> list[bool]:
    script = (
        "const ts = JSON.parse(require('fs').readFileSync(0));"
        "console.log(JSON.stringify(ts.map(t => { try { new RegExp(t); return true; }"
        " catch (e) { return false; } })));"
    )
    answer = subprocess.run(
        ["node", "-e", script], input=json.dumps(texts), capture_output=True, text=True, check=True
    )
    return list(json.loads(answer.stdout))


def _node_major() -> int | None:
    """The major version of the `node` here, if any (a later one takes more: (?i:x) in 23)."""
    if shutil.which("node") is None:
        return None
    found = subprocess.run(["node", "-v"], capture_output=True, text=True, check=False)
    version = found.stdout.strip().lstrip("v").split(".")[0]
    return int(version) if version.isdigit() else None


def test_regex_problem_gives_node_20s_verdict_for_each_text() -> None:
    differ = [
        (_shown(text), regex_problem(text))
        for text, taken in NODE_20.items()
        if (regex_problem(text) is None) != taken
    ]
    assert differ == []
    if _node_major() == 20:  # the table itself is Node 20's word (xyOps's runtime)
        texts = list(NODE_20)
        node = dict(zip(texts, _node_verdicts(texts), strict=True))
        assert [_shown(t) for t in texts if node[t] != NODE_20[t]] == []


GROUP = """\
apiVersion: xyops.j1sync/v1
kind: ServerGroup
metadata: {{name: db_servers}}
spec: {{title: DB, hostname_match: '{regex}'}}
"""


class Server(CliServer):
    def manifest(self, regex: str) -> str:
        (self.root / "g.yaml").write_text(GROUP.format(regex=regex))
        return str(self.root / "g.yaml")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with Server.serving(tmp_path, KEY) as served:
        yield served


def test_validate_takes_a_look_behind_of_any_width_and_refuses_a_repeated_one(
    server: Server,
) -> None:
    done = server.run("validate", server.manifest(r"(?<=^|\.)db\d+"))
    assert done.exit_code == 0, done.output
    done = server.run("validate", server.manifest(r"(?<=a)*db"))
    assert done.exit_code == 1, done.output
    assert "spec.hostname_match: xyOps refuses it" in done.output, done.output
    assert "look-behind cannot be repeated" in done.output, done.output
    done = server.run("apply", "--auto-approve", server.manifest(r"(?<=^|\.)db\d+"))
    assert done.exit_code == 0, done.output
    [group] = [g for g in server.emu.snapshot()["groups"] if g["id"] == "db_servers"]
    assert group["hostname_match"] == r"(?<=^|\.)db\d+"
    assert server.run("plan", "--detailed-exitcode", str(server.root)).exit_code == 0


def test_the_emulator_refuses_a_repeated_look_behind_and_takes_a_wide_one() -> None:
    with target() as xyops:
        with pytest.raises(ApiError, match=r"hostname_match \(invalid regular expression"):
            xyops.call("create_group", id="s25_a", title="A", hostname_match="(?<=a)*db")
        with pytest.raises(ApiError, match=r"data_match \(invalid regular expression"):
            xyops.call(
                "create_monitor",
                id="s25_m",
                title="M",
                source="x",
                data_type="integer",
                data_match=r"(?<!a)+(\d+)",
            )
        xyops.call("create_group", id="s25_b", title="B", hostname_match=r"(?<=^|\.)db\d+")
        assert [g["id"] for g in xyops.emu.snapshot()["groups"] if g["id"].startswith("s25")] == [
            "s25_b"
        ]
