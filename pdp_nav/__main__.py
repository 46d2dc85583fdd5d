"""``python -m pdp_nav``."""

import sys

from .cli import script

sys.exit(script())
