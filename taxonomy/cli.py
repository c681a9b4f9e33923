"""``flask taxonomy load``: load the shipped indicator frameworks and the default codebook."""

from __future__ import annotations

import click

from app.extensions import db

from .frameworks import load_defaults


@click.group("taxonomy")
def taxonomy_group() -> None:
    """The sorting taxonomy: codebook and indicator frameworks."""


@taxonomy_group.command("load")
def load_command() -> None:
    """Load (or refresh) the indicator frameworks and add missing default codes. Safe to rerun."""
    report = load_defaults()
    db.session.commit()
    click.echo(
        f"Indicators added: {report.indicators_added}; codes added: {report.codes_added}; "
        f"links added: {report.links_added}."
    )
