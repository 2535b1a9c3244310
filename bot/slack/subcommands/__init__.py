"""The `/rooms` subcommands, one module each; `registry.py` lists them in help order."""
