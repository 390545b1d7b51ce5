"""The error every sub-command raises for the user: printed as ``qifa: <message>`` with exit code 2."""

from __future__ import annotations


class UserError(Exception):
    """Printed as ``qifa: <message>`` with exit code 2."""
