"""``.. benchmark-table:: PATH``: a few columns of one table of a benchmark report.

The full report (``.. benchmark-report::``, see ``benchmark_report.py``) has
tables too wide to read at a glance. This directive shows a summary taken
from the same file, so that its numbers are always those of the report::

    .. benchmark-table:: _static/benchmarks.md
       :section: Training
       :columns: workload, sklearn s/ep, mbnet s/ep, speed-up
       :headers: workload, scikit-learn, sklearn_mbnet, speed-up

``:section:`` names the ``##`` heading whose first table is taken;
``:columns:`` the header cells of the columns to show, in order, separated
by commas; ``:headers:`` optionally, what to show as their headers instead.
A section or column the report does not have is an error, so a report
written in another format fails the build instead of showing wrong numbers;
but a column whose name ends in ``?`` is optional: shown when the report has
it, left out (with its header) when not, as the kernels-off columns of a
report written without ``--kernels on,off``.
The page is rebuilt when the file changes.
"""

from benchmark_report import _TABLE_RULE, _cells, list_table, read_report
from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective


def _names(text):
    return [name.strip() for name in text.split(",") if name.strip()]


def _present(columns, headers, header):
    """The columns (and their headers) to show: the optional ones (``name?``)
    only where the table ``header`` has them, without the ``?``."""
    keep = [not c.endswith("?") or c[:-1] in header for c in columns]
    columns = [c.removesuffix("?") for c, k in zip(columns, keep) if k]
    if len(headers) == len(keep):
        headers = [h for h, k in zip(headers, keep) if k]
    return columns, headers


def section_table(text, section):
    """The rows (header first) of the first table under ``## section``."""
    rows, inside = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            if rows:
                break
            inside = stripped.lstrip("#").strip() == section
        elif inside and stripped.startswith("|"):
            if not _TABLE_RULE.match(stripped):
                rows.append(_cells(stripped))
        elif rows:
            break
    return rows


class BenchmarkTable(SphinxDirective):
    """Selected columns of one table of a markdown benchmark report."""

    required_arguments = 1
    has_content = False
    option_spec = {
        "section": directives.unchanged_required,
        "columns": directives.unchanged_required,
        "headers": directives.unchanged,
    }

    def run(self):
        rel_path, text = read_report(self)
        section = self.options.get("section", "")
        columns = _names(self.options.get("columns", ""))
        if not section or not columns:
            raise self.error("benchmark-table needs :section: and :columns:")
        rows = section_table(text, section)
        if not rows:
            raise self.error(f"{rel_path} has no table under the heading {section!r}")
        header = rows[0]
        columns, headers = _present(columns, _names(self.options.get("headers", "")),
                                    header)
        missing = [c for c in columns if c not in header]
        if missing:
            raise self.error(
                f"the {section!r} table of {rel_path} has no column {missing}; "
                f"its columns are {header}"
            )
        picked = [header.index(c) for c in columns]
        if any(len(row) != len(header) for row in rows):
            raise self.error(f"the {section!r} table of {rel_path} has uneven rows")
        table = [[row[i] for i in picked] for row in rows]
        if headers:
            if len(headers) != len(columns):
                raise self.error(":headers: must name as many columns as :columns:")
            table[0] = headers

        lines = list_table(table, "benchmark-summary")
        content = StringList(lines, source=f"{rel_path} ({section}, as reST)")
        container = nodes.container()
        self.state.nested_parse(content, 0, container)
        return container.children


def setup(app):
    app.add_directive("benchmark-table", BenchmarkTable)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
