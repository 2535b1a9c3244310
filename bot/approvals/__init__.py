"""Room updates behind a two-person approval: fields, diffs, the workflow."""
