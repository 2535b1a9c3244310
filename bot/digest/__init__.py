"""The daily digest of room sessions.

Pure parts: the local calendar day and its hours (`days.py`), one pass over a stream of
sessions into a day's figures (`summary.py`), the words and Block Kit people read
(`wording.py`, `render.py`) and the hourly chart (`chart.py`). At the edge, `collect.py`
walks the provider's sessions once for the day and the day before.

The rule, here as in the docs: a session belongs to the local day in which it *started*,
and its minutes are its whole duration (a session still in progress counts up to now).
"""
