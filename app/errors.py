"""Translated error pages."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError

from .extensions import db


def _page(status: int, title: str, message: str):
    return render_template("errors/error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _page(
            400,
            _("The form has expired"),
            _(
                "For your security the form could not be sent. Go back, reload the page and try again. Nothing was saved."
            ),
        )

    @app.errorhandler(400)
    def bad_request(error):
        return _page(
            400, _("Something in the request was wrong"), _("Go back and check what you entered.")
        )

    @app.errorhandler(403)
    def forbidden(error):
        return _page(
            403,
            _("You do not have access to this page"),
            _(
                "Your account does not have the role this page needs. Ask an administrator if you think it should."
            ),
        )

    @app.errorhandler(404)
    def not_found(error):
        return _page(
            404, _("Page not found"), _("The page does not exist, or the link is wrong or too old.")
        )

    @app.errorhandler(405)
    def method_not_allowed(error):
        return _page(
            405,
            _("This action is not possible here"),
            _("Go back and use the buttons on the page."),
        )

    @app.errorhandler(413)
    def too_large(error):
        return _page(413, _("The file is too large"), _("Choose a smaller file and try again."))

    @app.errorhandler(429)
    def too_many(error):
        return _page(429, _("Too many attempts"), _("Wait a few minutes and try again."))

    def _went_wrong(status: int):
        return _page(
            status,
            _("Something went wrong on our side"),
            _(
                "Nothing you sent was saved by this request. Try again in a moment; if it happens again, tell the programme staff."
            ),
        )

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return _went_wrong(500)

    @app.teardown_appcontext
    def release_session(error):
        # Runs before Flask-SQLAlchemy's own teardown (registered earlier, run later). When the
        # database has just terminated the connection, the rollback inside remove() raises after
        # the answer was made; dropping the connection instead keeps that answer from turning
        # into a 500. The pool then replaces the connection.
        try:
            db.session.remove()
        except DBAPIError as exc:
            app.logger.warning(
                "connection lost at the end of a request: %s", type(exc.orig).__name__
            )
            try:
                if db.session.registry.has():
                    db.session.registry().invalidate()
            finally:
                db.session.registry.clear()

    @app.errorhandler(OperationalError)
    def database_unreachable(error):
        # The database restarted or dropped the connection: the transaction was rolled back, and
        # sending again in a few seconds works. 503 tells clients and proxies it is passing.
        app.logger.warning("database unreachable: %s", type(error.orig).__name__)
        try:
            db.session.rollback()
        except OperationalError:
            db.session.close()
        page, status = _went_wrong(503)
        return page, status, {"Retry-After": "5"}
