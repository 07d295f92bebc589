r"""Math as MathML, converted at build time: formulas that need no network.

``sphinx.ext.mathjax`` leaves the LaTeX in the page for a script from a CDN
to typeset; without that script (offline, an intranet, a blocked CDN) the
reader sees raw LaTeX. This extension registers the HTML math renderer
``mathml`` (select it with ``html_math_renderer = "mathml"``), which converts
each ``:math:`` role and ``.. math::`` block to MathML while the page is
written, with the LaTeX-to-MathML converter that docutils ships (the one its
own ``--math-output=MathML`` uses). Every current browser lays MathML out
itself: no script, no font or file to bundle, nothing downloaded.

Three details of the converter's output are adjusted: a prime ``f'`` is
the character ′ rather than an apostrophe, and ``|``, ``‖`` and operator
names such as ``\max`` get TeX's spacing and size rather than the space a
browser puts around an operator it does not know.

A formula the converter cannot read (an unsupported command) is a build
warning, so ``sphinx -W`` fails on it, and the page shows its LaTeX as code.
``_static/mathml.css`` holds the layout rules for the tables that the
converter writes (``cases``, multi-line ``align``) and the math fonts.
"""

import re

import docutils
from docutils import nodes
from docutils.utils.math import unichar2tex
from docutils.utils.math.latex2mathml import tex2mathml
from sphinx.errors import ExtensionError
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

# The converter's interface used here (as_block, MathError) and its tables
# for cases and align date from docutils 0.21.
try:
    from docutils.utils.math import MathError
except ImportError:
    raise ExtensionError(
        f"docs/sphinxext/mathml.py needs docutils 0.21 or later, not "
        f"{docutils.__version__}: pip install 'docutils>=0.21'"
    ) from None

logger = logging.getLogger(__name__)

# The converter writes a prime f' as an apostrophe operator; a prime
# character, without space around it, reads better. (It stays on the
# baseline: a prime glyph is already raised, and as a superscript, as TeX
# sets it, browsers shrink it to a speck.)
_PRIME_MO = re.compile(r"<mo>'</mo>")
# A bar (|, \|, \lvert, ...) is an ordinary symbol in TeX: no space around
# it and, unless \left or \right makes it a fence (the first or last child
# of an mrow), its own height. An operator name (\max, \lim, ...) has a thin
# space on each side. Browsers give an operator that their dictionary lacks
# a thick space on each side, and let bars stretch to the formula's height.
_BAR_MO = re.compile(
    r"(<mrow>\s*)?<mo((?: [a-z]+=\"[^\"]*\")*)>([|‖])</mo>(\s*</mrow>)?"
)
_NAME_MO = re.compile(r"<mo((?: (?!lspace)[a-z]+=\"[^\"]*\")*)>([A-Za-z]{2,})</mo>")


def _bar(match):
    before, attrs, bar, after = match.groups(default="")
    if "lspace=" not in attrs:
        attrs += ' lspace="0" rspace="0"'
    if not (before or after or "stretchy=" in attrs or "size=" in attrs):
        attrs += ' stretchy="false"'
    return f"{before}<mo{attrs}>{bar}</mo>{after}"


def _adjust(mathml):
    mathml = _PRIME_MO.sub('<mo lspace="0" rspace="0">\u2032</mo>', mathml)
    mathml = _BAR_MO.sub(_bar, mathml)
    return _NAME_MO.sub(r'<mo\1 lspace="0.1667em" rspace="0.1667em">\2</mo>', mathml)


def _to_mathml(translator, node, latex, as_block):
    """The MathML of ``latex``; on failure a warning and the LaTeX as code."""
    latex = latex.translate(unichar2tex.uni2tex_table)
    try:
        return _adjust(tex2mathml(latex, as_block=as_block))
    except MathError as exc:
        details = " ".join(str(d) for d in getattr(exc, "details", []))
        logger.warning(
            "cannot convert the formula %r to MathML: %s %s",
            latex, exc, details,
            location=node, type="mathml", subtype="convert",
        )
        return f'<code class="math-fallback">{translator.encode(latex)}</code>'


def visit_math(translator, node):
    translator.body.append(
        translator.starttag(node, "span", "", CLASS="math notranslate")
    )
    translator.body.append(_to_mathml(translator, node, node.astext(), False))
    translator.body.append("</span>")
    raise nodes.SkipNode


def visit_math_block(translator, node):
    translator.body.append(translator.starttag(node, "div", CLASS="math notranslate"))
    if node["number"]:
        number = get_node_equation_number(translator, node)
        translator.body.append(f'<span class="eqno">({number})')
        translator.add_permalink_ref(node, _("Link to this equation"))
        translator.body.append("</span>")
    text = node.astext()
    if node.get("no-wrap", node.get("nowrap", False)):
        parts = [text]
    else:
        # As for MathJax: paragraphs of a math block are separate equations.
        parts = [part for part in text.split("\n\n") if part.strip()]
    for part in parts:
        translator.body.append(_to_mathml(translator, node, part.strip(), True))
    translator.body.append("</div>\n")
    raise nodes.SkipNode


def setup(app):
    app.add_html_math_renderer(
        "mathml",
        inline_renderers=(visit_math, None),
        block_renderers=(visit_math_block, None),
    )
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
