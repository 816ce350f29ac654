"""`saywho serve`: the store read, searched and browsed in a web page, and a JSON API.

app.py builds the app; views/ holds its routes (pages and API), templates/ and static/ what the
pages look like; markup.py and timeline.py lay out what the templates draw.
"""

from saywho.web.app import create_app
from saywho.web.security import Limits

__all__ = ["Limits", "create_app"]
