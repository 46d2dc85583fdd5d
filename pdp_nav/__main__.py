"""``python -m pdp_nav``."""

import sys

from .cli import main

sys.exit(main())
