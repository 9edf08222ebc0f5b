"""``python -m digitdraw`` does what the ``digitdraw`` command does."""

import sys

from .cli import main

sys.exit(main())
