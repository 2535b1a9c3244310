"""The `/rooms` grammar: text in, typed command out (pure)."""
