"""The error every reader raises for a file it cannot read, with a reason a person can act on."""

from __future__ import annotations


class ReadError(Exception):
    """A file that cannot be read as a report; the message says why."""
