"""The `/rooms` grammar's shared tools (pure): words, options, dates, field values and
refusals; each subcommand's own parser lives in its unit (bot/slack/subcommands/)."""
