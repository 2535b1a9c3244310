"""The Slack side: listeners, middleware, the error handler and Block Kit rendering."""
