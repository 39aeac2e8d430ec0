"""URL converters: /platforms/<platform:platform> routes only to slugs in the directory."""

import re

from werkzeug.routing import BaseConverter, ValidationError

from takedown import platforms


class PlatformConverter(BaseConverter):
    """Turn a slug into its Platform; unknown slugs 404 and can't be built into links."""

    def __init__(self, url_map):
        super().__init__(url_map)
        self.regex = "(?:" + "|".join(re.escape(slug) for slug in platforms.directory()) + ")"

    def to_python(self, value):
        platform = platforms.get(value)
        if platform is None:
            raise ValidationError()
        return platform

    def to_url(self, value):
        slug = getattr(value, "slug", value)
        if platforms.get(slug) is None:
            raise ValidationError()
        return slug


def init_app(app):
    app.url_map.converters["platform"] = PlatformConverter
