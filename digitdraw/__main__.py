"""``python -m digitdraw`` does what the ``digitdraw`` command does."""

import sys

from .cli import command

sys.exit(command())
