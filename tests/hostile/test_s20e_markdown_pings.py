"""Object names in a plan comment that would make GitHub act: `@acme/security` (a team
mention: everyone in it notified from every plan), `#12`, `GH-4` (a link and a
cross-reference in issue 12's timeline), `</details>`, backticks. In the comment j1sync
posts they read as written and do nothing: outside code, no `@` or `#` GitHub links."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.engine.plan import build_plan
from j1sync.output.markdown import render_markdown
from tests.engine.builders import KINDS, PROJECT, have, want

from .test_s20e_github_fakes import StrictGitHub, actions_env

HOSTILE = [
    "@acme/security-team please approve",
    "fix for #12 and GH-4 `tick` </details> [ok](https://example.test)",
    "@octocat</summary></details>",
]
LINKED_BY_GITHUB = re.compile(r"(?<!\w)@[A-Za-z0-9]|(?<![\w&])#\d|\bGH-\d", re.IGNORECASE)


def text_outside_code(markdown: str) -> str:
    """What GitHub renders as text: no fenced block, no code span, no <code> element."""
    markdown = re.sub(r"(?ms)^(`{3,}).*?^\1\s*$", "", markdown)
    markdown = re.sub(r"(`+)(?!`).+?(?<!`)\1(?!`)", "", markdown)
    return re.sub(r"<code>.*?</code>", "", markdown)


def test_names_in_the_posted_plan_mention_and_link_nothing(tmp_path: Path) -> None:
    live = [have("AlertRule", name, f"r{n}", managed=True) for n, name in enumerate(HOSTILE)]
    desired = [want("AlertRule", "new rule for @everyone see #7", description="d")]
    report = tmp_path / "plan.md"
    report.write_text(render_markdown(build_plan(desired, live, KINDS, PROJECT, "acct", {})))

    with StrictGitHub() as github:
        env = actions_env(github.url, tmp_path)
        result = CliRunner().invoke(cli, ["github", "comment", "--body-file", str(report)], env=env)
        [posted] = github.state.comments_on(42)

    assert result.exit_code == 0, result.output
    body = str(posted["body"])
    shown = text_outside_code(body)
    assert LINKED_BY_GITHUB.findall(shown) == []
    assert "&lt;/details&gt;" in shown  # a name's </details> closes nothing
    assert shown.count("<details>") == shown.count("</details>") == 4
    # what the names say is still there for a reviewer, in the summary lines
    assert "@&#8203;acme/security-team please approve" in shown
    assert "#&#8203;12 and GH&#8203;-4" in shown
