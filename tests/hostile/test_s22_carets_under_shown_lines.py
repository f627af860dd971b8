"""A manifest line quoted under an error is shown with its workflow commands defused (a
line starting `::name::` shows its first colon as `\\u003a`, a `##[` as `#\\u0023[`:
terminal.visible_controls), so that a CI log does not run them. The caret under the
spot was placed by the line as written, five columns left of what it points at."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.terminal import shown_widths, visible_controls

MANIFEST = "apiVersion: j1sync/v1\nkind: Question\nmetadata:\n  name: q\nspec:\n  title: x\n"


def _excerpt(tmp_path: Path, queries: str) -> tuple[str, str]:
    manifest = tmp_path / "q.yaml"
    manifest.write_text(MANIFEST + queries, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    [at] = [i for i, line in enumerate(lines) if "closes no '('" in line]
    return lines[at + 1], lines[at + 2]


@pytest.mark.parametrize(
    "queries",
    [
        # a legacy command inside the value, before the spot
        "  queries:\n    - {name: q, query: \"FIND User WITH name = '##[' AND )\"}\n",
        # a block scalar's line that starts with a workflow command
        "  queries:\n    - name: q\n      query: |\n"
        "        FIND User WITH name = 'a'\n        ::x:: AND )\n",
        # both, and a hidden character
        "  queries:\n    - name: q\n      query: |\n"
        "        FIND User WITH name = 'a'\n        ::x:: \u200b'##[' AND )\n",
    ],
)
def test_the_caret_stays_under_its_spot_in_the_line_as_shown(tmp_path: Path, queries: str) -> None:
    source, carets = _excerpt(tmp_path, queries)
    assert "\\u0023[" in source or "\\u003a" in source, source
    assert carets.strip() == "^"
    assert carets.index("^") == source.rindex(")")


def test_each_characters_shown_width_adds_up_to_the_shown_line() -> None:
    for line in ("  ::a::b ##[x]##[ \u202e\x1b", "##[##[", "plain", "\t::x::", "::"):
        assert sum(shown_widths(line)) == len(visible_controls(line, one_line=True)), line


def test_a_styled_span_covers_what_its_characters_became() -> None:
    """The coloured text plan's lines (output/ansi.shown) place their styles by the same
    widths: a span over `##[x]` covered `#\\u00` once defused."""
    from rich.text import Text

    from j1sync.output.ansi import shown

    for plain, (start, end), covered in (
        ("  ~ ##[x] done", (4, 9), "#\\u0023[x]"),
        ("::x:: y", (0, 5), "\\u003a:x::"),
    ):
        line = Text(plain)
        line.stylize("bold", start, end)
        result = shown(line)
        [span] = result.spans
        assert result.plain[span.start : span.end] == covered
