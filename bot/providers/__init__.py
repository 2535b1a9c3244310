"""Video providers behind one protocol (`base.py`), with typed errors and shared HTTP plumbing.

Deliberately empty: the domain types (queries, models, ids, errors) are imported by the pure
core, and a package that built providers here would drag httpx and the settings in with
them. Choosing a provider from the settings is wiring, in `bot/app.py`.
"""
