"""Entry point for `flask run` and gunicorn (`app:app`)."""

from takedown import create_app

app = create_app()
