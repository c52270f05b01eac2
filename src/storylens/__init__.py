"""storylens: compare how news outlets report the same story, claim by claim."""

from __future__ import annotations

__version__ = "0.1.0"
