"""A URL whose password holds `/`, `?` or `#` (or a character that stands for one once
normalised, such as U+FF03, the full-width number sign) never shows any of it. URL parsing
ends the host part at that character: the password's first half was taken for a port, and
the message showed it twice: `Invalid API URL 'https://user:Fir5t#...': Port could not be
cast to integer value as 'Fir5t'` (the URL shown up to the `#`, and the parser's own words;
with U+FF03, the parser's words quoted the whole password)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here

ROOT = Path(__file__).resolve().parents[2]
FIRST, SECOND = "Fir5tHalfQw", "Sec0ndHalfZx"
SETTINGS = {
    "JUPITERONE_API_KEY": "s29-pw-Key-1a2b3c4d",
    "JUPITERONE_ACCOUNT_ID": "s29-pw-account",
    "XYOPS_API_KEY": "s29-pw-xy-Key-5e6f",
    "OPENCTI_TOKEN": "s29-pw-token-7a8b",
    "JUPITERONE_API_URL": "http://127.0.0.1:18182",
    "XYOPS_URL": "http://127.0.0.1:18182",
    "OPENCTI_URL": "http://127.0.0.1:18182",
}


@pytest.mark.parametrize("variable", ["JUPITERONE_API_URL", "XYOPS_URL", "OPENCTI_URL"])
@pytest.mark.parametrize("delimiter", ["/", "?", "#", "\uff03", "\uff0f"])
def test_a_password_holding_a_delimiter_is_never_shown(
    tmp_path: Path, variable: str, delimiter: str
) -> None:
    url = f"https://user:{FIRST}{delimiter}{SECOND}@127.0.0.1:18182"
    shutil.copytree(ROOT / "examples" / "manifests", tmp_path / "manifests")
    done = j1sync_here(["plan", "manifests"], {**SETTINGS, variable: url}, tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Invalid API URL" in done.stderr, output
    assert FIRST not in output and SECOND not in output, output
    assert "Traceback" not in output
