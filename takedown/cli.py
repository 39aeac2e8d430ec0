"""Command-line tools (flask letters ...)."""


def init_app(app):
    """Register the command-line tools."""
