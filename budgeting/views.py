"""Web views of budget rounds."""

from __future__ import annotations

from flask import Blueprint

from . import models  # noqa: F401  (tables must be known to the app)

public_bp = Blueprint("budget", __name__, url_prefix="/budsjett")
bp = Blueprint("budgeting", __name__, url_prefix="/budgeting")
