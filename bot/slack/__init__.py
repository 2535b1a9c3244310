"""The Slack side: listeners, middleware, the error handler, the `/rooms` subcommands and
Block Kit rendering."""
