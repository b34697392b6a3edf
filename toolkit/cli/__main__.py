"""`python -m toolkit.cli`: the same as the `loupan` command."""

import sys

from toolkit.cli import main

sys.exit(main())
