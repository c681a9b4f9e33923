"""Command-line tasks: ``flask demo``, ``flask user create``, ``flask translate …``,
``flask backup`` and ``flask restore``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app

from .accounts import AccountError, create_user
from .demo import load_demo_users, load_neighbourhoods
from .extensions import db
from .models import ROLES

ROOT = Path(__file__).resolve().parent.parent


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_command)
    app.cli.add_command(user_group)
    app.cli.add_command(translate_group)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    from taxonomy.cli import taxonomy_group

    app.cli.add_command(taxonomy_group)
    from panels.cli import panels_group

    app.cli.add_command(panels_group)
    app.cli.add_command(purge_command)
    from budgeting.cli import budgeting_group

    app.cli.add_command(budgeting_group)


@click.command("demo")
def demo_command() -> None:
    """Load demo data (neighbourhoods, one staff account per role). Safe to run again."""
    if current_app.config["TINGET_ENV"] == "production":
        raise click.ClickException("Refusing to load demo accounts in production.")
    added = load_neighbourhoods()
    logins = load_demo_users()
    from taxonomy.demo import load_taxonomy_demo

    taxonomy_report = load_taxonomy_demo()
    from panels.demo import load_panels_demo

    panels_report = load_panels_demo()
    from budgeting.demo import load_budgeting_demo

    budgeting_report = load_budgeting_demo()
    from followup.demo import load_followup_demo

    followup_report = load_followup_demo()
    db.session.commit()
    click.echo(f"Demo data ready ({added} neighbourhoods added).")
    click.echo(
        f"Taxonomy: {taxonomy_report.indicators_added} indicators, "
        f"{taxonomy_report.codes_added} codes, {taxonomy_report.items_added} input items added."
    )
    click.echo(
        f"Panels: {panels_report.panels_added} panel, "
        f"{panels_report.volunteers_added} volunteers added."
    )
    click.echo(
        f"Budgeting: {budgeting_report.rounds_added} rounds added; "
        f"youth group code {budgeting_report.join_code}."
    )
    click.echo(
        f"Follow-up: {followup_report.rounds_added} published rounds, "
        f"{followup_report.answers_added} answers added."
    )
    if budgeting_report.codes:
        click.echo("Voting codes for Nabolagspotten: " + ", ".join(budgeting_report.codes[:5]))
    click.echo("Demo logins (new passwords on every run of `flask demo`):")
    for username, password in logins.items():
        click.echo(f"  {username:20} {password}")


@click.command("purge")
def purge_command() -> None:
    """Delete personal data whose retention period has ended (run daily, e.g. from cron)."""
    from panels.cli import purge_panels

    click.echo(purge_panels())


@click.group("user")
def user_group() -> None:
    """Staff accounts."""


@user_group.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default="")
@click.password_option(help="Asked for when not given (at least 12 characters).")
def user_create(username: str, role: str, name: str, password: str) -> None:
    """Create a staff account."""
    try:
        create_user(username, password, role, name)
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.code}: {error.params}") from error
    db.session.commit()
    click.echo(f"Created {username} with role {role}.")


@click.group("translate")
def translate_group() -> None:
    """Message catalogues (pybabel)."""


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


@translate_group.command("extract")
def translate_extract() -> None:
    """Extract messages into translations/messages.pot and update every catalogue."""
    _pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "-o",
        "translations/messages.pot",
        ".",
    )
    _pybabel(
        "update", "-i", "translations/messages.pot", "-d", "translations", "--no-fuzzy-matching"
    )
    copy_source_into_english()


def copy_source_into_english() -> None:
    """Messages are written in English, so the English catalogue repeats each new message."""
    from babel.messages.pofile import read_po, write_po

    path = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale="en")
    for message in catalogue:
        if message.id and not message.string:
            message.string = message.id
    with path.open("wb") as handle:
        write_po(handle, catalogue, width=100)


@translate_group.command("compile")
def translate_compile() -> None:
    """Compile the catalogues to .mo files."""
    compile_catalogues()


def compile_catalogues() -> list[Path]:
    """Compile every ``translations/<lang>/LC_MESSAGES/messages.po`` next to itself as ``.mo``."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in sorted((ROOT / "translations").glob("*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as handle:
            catalogue = read_po(handle, locale=po_path.parent.parent.name)
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as handle:
            write_mo(handle, catalogue, use_fuzzy=False)
        written.append(mo_path)
    return written


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path: str) -> None:
    """Write a consistent copy of the whole database to PATH (a new file)."""
    from .backup import BackupError, backup

    try:
        report = backup(path)
    except (BackupError, subprocess.CalledProcessError) as error:
        raise click.ClickException(_backup_problem(error)) from error
    click.echo(
        f"Backup of the {report.engine} database (migration {report.revision}) written to "
        f"{report.path} ({report.bytes} bytes)."
    )


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, exists=True))
@click.option("--yes", is_flag=True, help="Confirm that the current data may be replaced.")
def restore_command(path: str, yes: bool) -> None:
    """Replace the whole database with the backup in PATH, then apply newer migrations."""
    from flask_migrate import upgrade

    from .audit import record
    from .backup import BackupError, restore

    if not yes:
        click.confirm("This replaces every record in the database. Continue?", abort=True)
    try:
        report = restore(path)
    except (BackupError, subprocess.CalledProcessError) as error:
        raise click.ClickException(_backup_problem(error)) from error
    upgrade()
    record("database.restored", file=Path(path).name, revision=report.revision)
    db.session.commit()
    click.echo(
        f"Restored {report.path} (migration {report.revision}) and applied newer migrations."
    )


def _backup_problem(error: Exception) -> str:
    if isinstance(error, subprocess.CalledProcessError):
        detail = (error.stderr or b"").decode(errors="replace").strip()
        return f"{Path(str(error.cmd[0])).name} failed: {detail}"
    return str(error)
