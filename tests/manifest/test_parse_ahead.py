"""The load's helper process (manifest/parse_ahead.py): in the `j1sync` process, a run of
many files is parsed from both ends at once, and nothing a user sees changes with it.

In-process (a test runner, CliRunner) no helper is forked, so each case compares the
`j1sync` process (with its helper) against the in-process run of the same files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.manifest import load_manifests
from j1sync.manifest.kind_scan import scan_manifests
from j1sync.manifest.parse_ahead import MIN_FILES
from tests.reliability.processes import _clean_env, run_j1sync, served_emulator

KEY, ACCOUNT = "parse-ahead-key", "parse-ahead-account"
FILES = MIN_FILES * 3
ENV = {"PARSE_AHEAD_TEXT": "from the environment"}  # what the ${env:…} values read

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: q-{i:04d}
spec:
  title: "Question {i}"
  description: {description}
  queries:
    - name: good
      query: "Find User with index={i} and active=true"
      resultsAre: GOOD
"""


def _write_files(folder: Path, broken: dict[int, str] | None = None) -> Path:
    """FILES question manifests, one a file, some with an `${env:…}` value, some with two
    documents; `broken`: texts that replace some files."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(FILES):
        description = '"${env:PARSE_AHEAD_TEXT}"' if i % 17 == 0 else f"Number {i}"
        text = QUESTION.format(i=i, description=description)
        if i % 23 == 0:
            text += "---\n" + QUESTION.format(i=i + 10_000, description="second")
        if broken and i in broken:
            text = broken[i]
        (folder / f"{i:04d}.yaml").write_text(text, encoding="utf-8")
    return folder


# Loads the folder in a fresh process marked as the `j1sync` process (as entry.main does),
# the helper started and, before the load takes any file, left to parse them all (at most
# wait_s: a loaded machine may give the nice helper little time);
# prints what was loaded and how many files the helper delivered.
_LOAD_SCRIPT = """
import json, sys, time
from j1sync import entry
from j1sync.manifest import discovery, loader, parse_ahead
entry._Process.kept = []
found = discovery.discover([__import__("pathlib").Path(sys.argv[1])])
parse_ahead.start_for(found, loader.os.environ)
ahead = found.ahead
deadline = time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline and not ahead._ended:  # until the helper is done
    ahead._receive()
    time.sleep(0.02)
delivered = []
take = ahead.take
def counting(index):
    documents = take(index)
    delivered.append(documents is not parse_ahead.NOT_PARSED)
    return documents
ahead.take = counting
if sys.argv[3] == "kill":
    import os, signal
    os.kill(ahead._pid, signal.SIGKILL)
manifests = loader.load_manifests([sys.argv[1]], discovery=found)
print(json.dumps({
    "delivered": sum(delivered),
    "manifests": [[m.kind, m.name, m.spec.model_dump(mode="json")] for m in manifests.manifests],
    "sensitive": manifests.sensitive,
    "helper_ended": found.ahead is None,
}))
"""


def _in_j1sync_process(script: str, *args: str) -> dict:
    """What `script` prints (JSON), run with `args` in a fresh process with ENV set."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**_clean_env(), **ENV},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _load_in_j1sync_process(folder: Path, wait_s: float, kill: bool = False) -> dict:
    return _in_j1sync_process(_LOAD_SCRIPT, str(folder), str(wait_s), "kill" if kill else "-")


def _in_process(folder: Path) -> list:
    manifests = load_manifests([folder], env=ENV)
    return [[m.kind, m.name, m.spec.model_dump(mode="json")] for m in manifests.manifests]


def test_the_helper_delivers_files_and_the_load_is_the_same(tmp_path: Path) -> None:
    folder = _write_files(tmp_path / "m")
    found = _load_in_j1sync_process(folder, wait_s=60.0)
    # given the time, the helper parsed (nearly) every file, from the last backwards
    assert found["delivered"] > FILES // 2
    assert found["manifests"] == _in_process(folder)
    assert found["sensitive"] == {"from the environment": "${env:PARSE_AHEAD_TEXT}"}
    assert found["helper_ended"]  # stopped and reaped when the load ended


def test_a_helper_that_dies_changes_nothing(tmp_path: Path) -> None:
    folder = _write_files(tmp_path / "m")
    found = _load_in_j1sync_process(folder, wait_s=0.0, kill=True)
    assert found["manifests"] == _in_process(folder)


def test_validate_says_the_same_with_the_helper(tmp_path: Path) -> None:
    """`j1sync validate` as its own process (helper) and in-process (none): same output,
    same exit code, for valid files and for problems in files the helper parsed (near
    the end: a bad field, a YAML error, bytes that are not UTF-8, an unset variable)."""
    folder = tmp_path / "m"
    valid = _write_files(folder)
    alone = run_j1sync(["validate", str(valid)], ENV, tmp_path)
    runner = CliRunner()
    inside = runner.invoke(cli, ["validate", str(valid)], env=ENV)
    assert alone.returncode == inside.exit_code == 0, alone.stderr
    assert alone.stdout == inside.stdout
    assert f"{FILES + len(range(0, FILES, 23))} manifests valid" in alone.stdout

    broken = {
        FILES - 2: QUESTION.format(i=FILES - 2, description="x").replace("title:", "titel:"),
        FILES - 5: "apiVersion: j1sync/v1\nkind: Question\nmetadata: {name: [unclosed\n",
        FILES - 9: "apiVersion: j1sync/v1\n",
        FILES - 12: QUESTION.format(i=FILES - 12, description='"${env:PARSE_AHEAD_UNSET}"'),
    }
    _write_files(folder, broken)
    (folder / f"{FILES - 9:04d}.yaml").write_bytes(b"description: \xff\xfe\n")
    alone = run_j1sync(["validate", str(folder)], ENV, tmp_path)
    inside = runner.invoke(cli, ["validate", str(folder)], env=ENV)
    assert alone.returncode == inside.exit_code == 1
    assert alone.stdout == inside.stdout
    assert alone.stderr == inside.stderr
    for i in (FILES - 2, FILES - 5, FILES - 9, FILES - 12):
        assert f"{i:04d}.yaml" in alone.stderr
    assert "titel" in alone.stderr and "PARSE_AHEAD_UNSET" in alone.stderr


def test_plan_of_many_files_against_the_emulator(tmp_path: Path) -> None:
    """The whole road, as a user's CI runs it: `j1sync plan` (its helper parsing while
    the account is read) against `emulator serve`, then apply, then plan again."""
    folder = _write_files(tmp_path / "m")
    with served_emulator(tmp_path, {}, KEY, ACCOUNT) as emu:
        env = {
            "JUPITERONE_API_KEY": KEY,
            "JUPITERONE_ACCOUNT_ID": ACCOUNT,
            "JUPITERONE_API_URL": emu.url,
            **ENV,
        }
        plan = run_j1sync(["plan", str(folder), "--detailed-exitcode"], env, tmp_path)
        assert plan.returncode == 2, plan.stderr
        creates = FILES + len(range(0, FILES, 23))
        assert f"{creates} to create" in plan.stdout
        applied = run_j1sync(["apply", str(folder), "--auto-approve"], env, tmp_path)
        assert applied.returncode == 0, applied.stderr
        again = run_j1sync(["plan", str(folder), "--detailed-exitcode"], env, tmp_path)
        assert again.returncode == 0, again.stdout + again.stderr
        stored = emu.snapshot()
    descriptions = {q["title"]: q["description"] for q in stored["questions"]}
    assert descriptions["Question 17"].startswith("from the environment")


# Scans the folder as a plan does (parse_ahead.scan_for) in a fresh process marked as the
# `j1sync` process; argv[2] "fail": the helper's scan fails (the scan then made here),
# "slow": it comes after SCAN_WAIT_S, else it is waited for as long as it takes; prints
# the scan, whether `meanwhile` ran, whether a helper parses ahead, and the load.
_SCAN_SCRIPT = """
import json, os, sys
from j1sync import entry
from j1sync.manifest import loader, parse_ahead
entry._Process.kept = []
parent = os.getpid()
scan = parse_ahead.scan_manifests
if sys.argv[2] == "fail":
    def failing(paths):
        if os.getpid() != parent:
            raise OSError("the helper's scan fails")
        return scan(paths)
    parse_ahead.scan_manifests = failing
elif sys.argv[2] == "slow":  # the helper's scan comes after SCAN_WAIT_S
    def slow(paths):
        if os.getpid() != parent:
            __import__("time").sleep(parse_ahead.SCAN_WAIT_S + 0.3)
        return scan(paths)
    parse_ahead.scan_manifests = slow
else:  # the scan is waited for until it comes
    parse_ahead.SCAN_WAIT_S = 60.0
ran = []
scanned = parse_ahead.scan_for([sys.argv[1]], loader.os.environ, lambda: ran.append(1))
found = scanned.discovery
result = {
    "kinds": sorted(scanned.kinds),
    "versions": sorted(scanned.api_versions),
    "texts": found.texts,
    # with a helper past its scan, the bytes come as the load takes its first file
    "contents": sorted(found.contents) == sorted(found.texts),
    "problems": [str(p) for p in found.problems],
    "warnings": [str(w) for w in found.warnings],
    "meanwhile": len(ran),
    "ahead": found.ahead is not None,
}
read_again = []  # files the load reads from disk, not from the bytes the scan read
Path = __import__("pathlib").Path
_read_text = Path.read_text
def counted(self, *args, **kwargs):
    if str(self).startswith(sys.argv[1]):
        read_again.append(str(self))
    return _read_text(self, *args, **kwargs)
Path.read_text = counted
try:
    manifests = loader.load_manifests([sys.argv[1]], discovery=found).manifests
except loader.ManifestError as error:
    manifests, result["load_error"] = (), str(error)
Path.read_text = _read_text
result["read_again"] = read_again
parse_ahead.end_for(found)
try:
    os.waitpid(-1, os.WNOHANG)
    result["children_left"] = True
except ChildProcessError:
    result["children_left"] = False
result["manifests"] = [[m.kind, m.name, m.spec.model_dump(mode="json")] for m in manifests]
print(json.dumps(result))
"""


def _scan_in_j1sync_process(folder: Path, mode: str = "-") -> dict:
    return _in_j1sync_process(_SCAN_SCRIPT, str(folder), mode)


def test_the_helper_scans_while_the_connection_imports(tmp_path: Path) -> None:
    """Forked before the scan, the helper makes it (this process runs `meanwhile` when
    the scan is not there within SCAN_WAIT_S), sends it, the files' bytes after it, then
    parses ahead: the scan and the load are those made in-process, the load reads no
    file again, and the helper is reaped when the load is done. A scan the helper fails
    to send is made here, the same; a run of few files takes no helper past its scan
    (its bytes come with the scan)."""
    folder = _write_files(tmp_path / "m")
    (folder / "notes.yml.bak").write_text("x", encoding="utf-8")  # a warning to carry
    here = scan_manifests([folder])
    for mode in ("-", "slow", "fail"):
        found = _scan_in_j1sync_process(folder, mode)
        assert found["kinds"] == sorted(here.kinds) == ["Question"]
        assert found["versions"] == sorted(here.api_versions)
        assert found["texts"] == here.discovery.texts and len(found["texts"]) == FILES
        assert found["contents"] is (mode == "fail")  # else they follow the scan
        assert found["read_again"] == []
        assert found["warnings"] == [str(w) for w in here.discovery.warnings] != []
        assert found["meanwhile"] == (mode == "slow")
        assert found["ahead"] is (mode != "fail")
        assert found["manifests"] == _in_process(folder)
        assert not found["children_left"]
    few = _write_files(tmp_path / "few")
    for extra in sorted(few.glob("*.yaml"))[MIN_FILES - 1 :]:
        extra.unlink()
    (few / "gone.yaml").symlink_to(tmp_path / "missing.yaml")  # a problem to carry
    found = _scan_in_j1sync_process(few)
    assert len(found["texts"]) == MIN_FILES - 1 and not found["ahead"]
    assert found["contents"] and found["read_again"] == []
    assert found["problems"] == [str(p) for p in scan_manifests([few]).discovery.problems]
    assert "gone.yaml" in found["problems"][0] and "gone.yaml" in found["load_error"]
    assert not found["children_left"]
