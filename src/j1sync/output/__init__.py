"""j1sync.output: renderers that read only a Plan."""

from j1sync.output.markdown import render_markdown
from j1sync.output.plan_json import render_json
from j1sync.output.text import render_text

__all__ = ["render_json", "render_markdown", "render_text"]
