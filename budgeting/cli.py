"""``flask budgeting …``: count a round outside a request (large rounds with MES completion
can take long) and recount a results bundle or a .pb file."""

from __future__ import annotations

import json
from pathlib import Path

import click
from sqlalchemy import select

from app.extensions import db

from . import results
from .models import Round
from .services import BudgetingError


@click.group("budgeting")
def budgeting_group() -> None:
    """Participatory budgeting rounds."""


@budgeting_group.command("count")
@click.argument("slug")
def count_command(slug: str) -> None:
    """Count the closed round SLUG and store the result."""
    round_ = db.session.scalar(select(Round).where(Round.slug == slug))
    if round_ is None:
        raise click.ClickException(f"no round {slug!r}")
    try:
        result = results.count_round(round_)
    except BudgetingError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.code}: {error.params}") from error
    db.session.commit()
    click.echo(json.dumps({"variant": result.variant, "winners": result.winners}))


@budgeting_group.command("advance")
def advance_command() -> None:
    """Move rounds to the phase their dates say (run daily, e.g. from cron)."""
    from .services import advance_due

    moves = advance_due()
    db.session.commit()
    for move in moves:
        if move.blocked:
            click.echo(f"{move.round.slug}: stays in {move.round.phase} ({move.blocked})")
        else:
            click.echo(f"{move.round.slug}: now {move.phase}")


@budgeting_group.command("recount")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--variant", default=None, help="rule variant (a bundle names its own)")
def recount_command(path: Path, variant: str | None) -> None:
    """Count a .pb file or recount a results bundle; exit status 1 if a bundle disagrees."""
    try:
        counted = results.count_upload(path.read_bytes(), variant)
    except BudgetingError as error:
        raise click.ClickException(f"{error.code}: {error.params}") from error
    click.echo(
        json.dumps(
            {k: counted[k] for k in ("variant", "winners", "total_cost", "expected", "matches")},
            ensure_ascii=False,
        )
    )
    if counted["matches"] is False:
        raise SystemExit(1)
