"""``flask panels purge``: delete volunteers' personal data whose deletion date has come."""

from __future__ import annotations

from datetime import date

import click

from app.extensions import db

from .privacy import purge


def purge_panels(today: date | None = None) -> str:
    """Run the purge and commit; returns a line for the log."""
    done = purge(today)
    db.session.commit()
    people = sum(done.values())
    return f"Panels: personal data deleted for {people} volunteers in {len(done)} panels."


@click.group("panels")
def panels_group() -> None:
    """Citizens' panels."""


@panels_group.command("purge")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Pretend it is this date (for checks).",
)
def purge_command(today) -> None:
    """Delete personal data of panels past their retention period (aggregates are kept)."""
    click.echo(purge_panels(today.date() if today else None))
