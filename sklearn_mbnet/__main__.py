"""``python -m sklearn_mbnet``: the command-line tool of ``_cli``.

Without arguments, the demo: both libraries' MLPClassifier on the digits
data, with test accuracy and fit time; ``--help`` lists the options.
"""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
