"""Security headers sent with every response, and the form data every form sees."""

from __future__ import annotations

from flask import Flask, request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from flask_wtf.form import _Auto
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


_flask_wtf_wrap_formdata = FlaskForm.Meta.wrap_formdata


def wrap_formdata(meta, form, formdata):
    """What a form reads from a POST: files only for its file fields (a file sent in a text
    field would otherwise reach the views as an object they cannot handle), and text without NUL
    characters (PostgreSQL refuses to store them)."""
    wrapped = _flask_wtf_wrap_formdata(meta, form, formdata)
    if formdata is not _Auto or wrapped is None or not (request.form or request.files):
        return wrapped
    text = MultiDict((k, v.replace("\x00", "")) for k, v in request.form.items(multi=True))
    file_fields = {field.name for field in form if isinstance(field, FileField)}
    files = MultiDict((k, v) for k, v in request.files.items(multi=True) if k in file_fields)
    return CombinedMultiDict((files, text)) if files else text


def init_app(app: Flask) -> None:
    FlaskForm.Meta.wrap_formdata = wrap_formdata
    hops = int(app.config.get("PROXY_HOPS", 0))
    if hops:
        # Behind a reverse proxy every request comes from the proxy's address: the limits on
        # logins, codes and forms (app.limits) would then lock everybody out at once. Trust
        # X-Forwarded-For/-Proto from exactly this many proxies, never from the client itself.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.after_request(add_security_headers)
    if app.config["TINGET_ENV"] == "production":

        @app.after_request
        def strict_transport(response):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            return response
