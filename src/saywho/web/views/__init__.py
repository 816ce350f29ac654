"""The app's routes: pages.py (HTML for people), api.py (JSON, CONTRACT.md), params.py (the query
parameters both read)."""
