"""Takedown: help to get a child's shared sexual image removed, keeping nothing.

The domain (the case, the plan, deadlines, letters, the data files) is this package's
modules and never imports Flask; the web layer is ``takedown.web``.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
