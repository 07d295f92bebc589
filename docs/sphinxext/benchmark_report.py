"""``.. benchmark-report:: PATH``: a markdown benchmark report, shown as reST.

``benchmarks/bench_training.py --markdown PATH`` writes a small markdown
report: ``#``/``##`` headings, ``- `` bullet lines, pipe tables and plain
lines, with ```code``` and ``**bold**`` inline. This directive converts that
subset without a markdown parser: the first ``#`` title is dropped (the page
has its own), other headings become rubrics, tables become ``list-table``
directives and all other text is escaped, so nothing in the report can turn
into reST markup. The page is rebuilt when the file changes.
"""

import re
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

_INLINE = re.compile(r"(`[^`]+`|\*\*[^*]+\*\*)")
_SPECIAL = re.compile(r"([\\*`|_])")
_TABLE_RULE = re.compile(r"^\|?(\s*:?-+:?\s*\|)*\s*:?-+:?\s*\|?$")
# Starts of a line that reST would read as a list, a heading or markup.
_BLOCK_START = re.compile(r"^(?:[^\w\s\\]|\(?(?:\d+|[A-Za-z#])[.)](?:\s|$))")


def inline(text):
    """One line of markdown text as one line of reST text."""
    pieces = _INLINE.split(text.strip())
    out = ""
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            out += _SPECIAL.sub(r"\\\1", piece)
            continue
        if piece.startswith("`"):
            markup = ":code:`" + piece[1:-1].replace("\\", "\\\\") + "`"
        else:
            markup = "**" + _SPECIAL.sub(r"\\\1", piece[2:-2].strip()) + "**"
        # reST markup must be delimited; "\ " is an invisible delimiter.
        if out and not out[-1].isspace():
            markup = "\\ " + markup
        following = pieces[i + 1] if i + 1 < len(pieces) else ""
        if following and not following[0].isspace():
            markup += "\\ "
        out += markup
    if _BLOCK_START.match(out) and not out.startswith((":code:`", "**")):
        out = "\\" + out
    if out.endswith("::"):
        out = out[:-1] + "\\:"
    return out


def _cells(row):
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") else row
    return [cell.strip() for cell in row.split("|")]


def list_table(rows, css_class="benchmark-table"):
    """A ``list-table`` directive (reST lines) of markdown cells, header first."""
    out = ["", ".. list-table::", "   :header-rows: 1",
           f"   :class: {css_class}", ""]
    for row in rows:
        for j, cell in enumerate(row):
            marker = "   * -" if j == 0 else "     -"
            text = inline(cell)
            out.append(f"{marker} {text}" if text else marker)
    return out + [""]


def markdown_to_rst(text):
    """The report's markdown subset as a list of reST lines."""
    out, table, seen_title = [], [], False

    def emit(line):
        # A blank line wherever a bullet list starts or ends.
        previous = out[-1] if out else ""
        if line and previous and previous.startswith("- ") != line.startswith("- "):
            out.append("")
        out.append(line)

    def flush_table():
        rows = [_cells(r) for r in table if not _TABLE_RULE.match(r)]
        if rows:
            out.extend(list_table(rows))
        table.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|"):
            table.append(stripped)
            continue
        flush_table()
        if not stripped:
            out.append("")
        elif stripped.startswith("#"):
            level = len(stripped) - len(stripped.lstrip("#"))
            if level == 1 and not seen_title:
                seen_title = True
                continue
            out += ["", f".. rubric:: {inline(stripped[level:])}", ""]
        elif stripped.startswith(("- ", "* ")):
            emit(f"- {inline(stripped[2:])}")
        else:
            emit(inline(stripped))
    flush_table()
    return out


def read_report(directive):
    """``(path relative to the source, text)`` of the report a directive
    names; the page is rebuilt when the file changes."""
    env = directive.env
    rel_path, path = env.relfn2path(directive.arguments[0], env.docname)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise directive.error(f"cannot read the benchmark report {rel_path}: {exc}")
    env.note_dependency(rel_path)
    return rel_path, text


class BenchmarkReport(SphinxDirective):
    """Render a markdown benchmark report; the path is relative to the page."""

    required_arguments = 1
    has_content = False

    def run(self):
        rel_path, text = read_report(self)
        content = StringList(markdown_to_rst(text), source=f"{rel_path} (as reST)")
        container = nodes.container(classes=["benchmark-report"])
        self.state.nested_parse(content, 0, container)
        return [container]


def setup(app):
    app.add_directive("benchmark-report", BenchmarkReport)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
