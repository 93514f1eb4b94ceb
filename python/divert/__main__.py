"""``python -m divert``: the same as the ``divert`` command."""

import sys

from divert.cli import main

sys.exit(main())
