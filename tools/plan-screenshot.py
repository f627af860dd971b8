"""Write docs/plan-output.png: the example Markdown plan as GitHub shows it in a PR comment.

    python tools/plan-screenshot.py [--out FILE] [--html FILE]

The Markdown is tools/plan-output.py's (the README's example change set); markdown-it-py
turns it into HTML as GitHub's Markdown does (CommonMark, tables, inline HTML such as
<details>, `> [!WARNING]` alerts), styled like github.com, and headless Chromium takes
the picture (`apt-get install chromium`; CHROMIUM names another binary). The first
OPENED sections are shown open, as a reviewer who clicked them sees them; the rest stay
folded. Not part of CI: the picture is committed, and rerun when the output changes.
"""

from __future__ import annotations

import html
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "plan-output.png"
WIDTH = 980  # a PR comment on a laptop screen
OPENED = 3  # one create, one update, one delete in the example

ALERTS = {
    "NOTE": ("#0969da", "Note"),
    "TIP": ("#1a7f37", "Tip"),
    "IMPORTANT": ("#8250df", "Important"),
    "WARNING": ("#9a6700", "Warning"),
    "CAUTION": ("#d1242f", "Caution"),
}

CSS = """
body { margin: 0; background: #ffffff; color: #1f2328;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial,
    "Liberation Sans", "DejaVu Sans", sans-serif;
  font-size: 14px; line-height: 1.5; }
.page { padding: 16px 24px 24px; }
.comment { border: 1px solid #d0d7de; border-radius: 6px; }
.comment-header { background: #f6f8fa; border-bottom: 1px solid #d0d7de; padding: 8px 16px;
  border-radius: 6px 6px 0 0; color: #59636e; }
.comment-header b { color: #1f2328; }
.bot { border: 1px solid #d0d7de; border-radius: 2em; padding: 0 7px; font-size: 12px;
  margin-left: 4px; }
.markdown-body { padding: 16px; }
.markdown-body > *:first-child { margin-top: 0; }
h2 { font-size: 1.5em; font-weight: 600; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3;
  margin: 24px 0 16px; line-height: 1.25; }
h3 { font-size: 1.25em; font-weight: 600; margin: 24px 0 16px; line-height: 1.25; }
p, blockquote, table, pre, details, ul { margin: 0 0 16px; }
code, pre { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas,
  "Liberation Mono", "DejaVu Sans Mono", monospace; font-size: 85%; }
code { background: #818b981f; border-radius: 6px; padding: .2em .4em; }
pre { background: #f6f8fa; border-radius: 6px; padding: 16px; overflow: auto;
  line-height: 1.45; }
pre code { background: transparent; padding: 0; font-size: 100%; }
table { border-collapse: collapse; border-spacing: 0; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
th { font-weight: 600; }
tr:nth-child(2n) { background: #f6f8fa; }
summary { cursor: pointer; }
ul { padding-left: 2em; }
.markdown-alert { padding: .5rem 1rem; border-left: .25em solid; margin-bottom: 16px; }
.markdown-alert > :last-child { margin-bottom: 0; }
.markdown-alert-title { font-weight: 500; margin-bottom: 4px; }
.pl-mi1 { color: #116329; background: #dafbe1; }
.pl-md { color: #82071e; background: #ffebe9; }
"""


def _tool(name: str) -> object:
    path = ROOT / "tools" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name.replace("-", "_"), path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _alerts(body: str) -> str:
    """`> [!WARNING]` blockquotes as GitHub draws them."""

    def alert(match: re.Match[str]) -> str:
        color, title = ALERTS[match.group(1)]
        inner = match.group(2)
        return (
            f'<div class="markdown-alert" style="border-color: {color}">'
            f'<p class="markdown-alert-title" style="color: {color}">{title}</p>'
            f"<p>{inner}</div>"
        )

    pattern = r"<blockquote>\s*<p>\[!(\w+)\]\s*(.*?)</blockquote>"
    return re.sub(pattern, alert, body, flags=re.S)


def _diff_lines(body: str) -> str:
    """GitHub's highlighting of ```diff blocks: added lines green, removed lines red."""

    def block(match: re.Match[str]) -> str:
        lines = []
        for line in match.group(1).split("\n"):
            if line.startswith("+"):
                lines.append(f'<span class="pl-mi1">{line}</span>')
            elif line.startswith("-"):
                lines.append(f'<span class="pl-md">{line}</span>')
            else:
                lines.append(line)
        return '<pre><code class="language-diff">' + "\n".join(lines) + "</code></pre>"

    pattern = r'<pre><code class="language-diff">(.*?)</code></pre>'
    return re.sub(pattern, block, body, flags=re.S)


def _open_first(body: str, count: int) -> str:
    parts = body.split("<details>")
    return "<details open>".join(parts[: count + 1]) + "<details>".join(["", *parts[count + 1 :]])


def render_html(markdown: str) -> str:
    """A page that looks like the Markdown posted as a PR comment on github.com."""
    renderer = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    body = _open_first(_diff_lines(_alerts(renderer.render(markdown))), OPENED)
    header = '<b>github-actions</b><span class="bot">bot</span> commented'
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape("j1sync plan")}</title>
<style>{CSS}</style></head>
<body><div class="page"><div class="comment">
<div class="comment-header">{header}</div>
<div class="markdown-body">{body}</div>
</div></div>
<script>document.body.dataset.height = document.documentElement.scrollHeight;</script>
</body></html>
"""


def _chromium() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chrome")
    if not found:
        sys.exit("chromium not found: apt-get install chromium (or set CHROMIUM)")
    return found


def _chromium_run(args: list[str]) -> str:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
    ]
    done = subprocess.run(
        [_chromium(), *flags, *args], capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode != 0:
        sys.exit(f"chromium failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def screenshot(page: Path, out: Path) -> None:
    """Two passes: the page's height from the laid-out DOM, then a picture that tall."""
    url = page.resolve().as_uri()
    dom = _chromium_run([f"--window-size={WIDTH},800", "--dump-dom", url])
    found = re.search(r'data-height="(\d+)"', dom)
    height = int(found.group(1)) if found else 3000
    _chromium_run([f"--window-size={WIDTH},{height}", f"--screenshot={out.resolve()}", url])


def main(argv: list[str]) -> int:
    out = Path(argv[argv.index("--out") + 1]) if "--out" in argv else OUT
    markdown = _tool("plan-output").example_outputs().markdown_plan  # type: ignore[attr-defined]
    page_text = render_html(markdown)
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "plan.html"
        page.write_text(page_text, encoding="utf-8")
        if "--html" in argv:
            shutil.copy(page, argv[argv.index("--html") + 1])
        screenshot(page, out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
