"""Blueprints by area, and the error pages. The only place blueprints are listed."""

from flask import current_app, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from takedown import pdf
from takedown.web import limits, serialize
from takedown.web.views import api, carried, case, guides, letters, progress, site


def register_blueprints(app):
    """Register every blueprint, in the order they are listed, and the helpers their
    templates share (once, for the whole app)."""
    for module in (site, guides, case, progress, letters, api):
        app.register_blueprint(module.bp)
    carried.init_app(app)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


ERROR_TEMPLATES = {404: "errors/404.html", 413: "errors/413.html", 429: "errors/429.html",
                   503: "errors/503.html"}


def handle_http_error(error: HTTPException):
    """Show a calm page (or a JSON error under /api/) instead of a bare error."""
    message = error.description
    if error.code == 429:
        # Flask-Limiter's own description is the limit ("30 per 1 minute"); say what to do.
        error.retry_after = limits.retry_after_seconds()
        message = (f"There have been a lot of requests from your connection in a short time. "
                   f"Please wait {error.retry_after} seconds, then try again.")
    if error.code == 503:
        error.retry_after = current_app.config["RENDER_RETRY_AFTER"]
        message = (f"We are making a lot of letters right now. Please wait {error.retry_after} "
                   "seconds, then try again: nothing you sent has been kept.")
    if _wants_json():
        body = jsonify(serialize.error(error.name, message))
    else:
        body = render_template(ERROR_TEMPLATES.get(error.code, "errors/generic.html"), error=error)
    response = make_response(body, error.code)
    if error.code in (429, 503):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def handle_render_busy(error: pdf.RenderBusy):
    """Too many letters at once in this worker: ask the person to try again shortly."""
    return handle_http_error(ServiceUnavailable())


def handle_server_error(error):
    """Never show a stack trace; say sorry and say what still works."""
    if _wants_json():
        return jsonify(serialize.error("Internal Server Error",
                                       "Something went wrong on our side.")), 500
    return render_template("errors/500.html"), 500


def register_error_handlers(app):
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(500, handle_server_error)
    app.register_error_handler(pdf.RenderBusy, handle_render_busy)
