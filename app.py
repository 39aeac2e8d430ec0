"""Entry point for `flask run` and gunicorn (`app:app`)."""

from takedown.web import create_app

app = create_app()
