"""Room updates behind a two-person approval (pure): requests, diffs, policy, what they
owe Slack; the workflow is bot/services/approvals.py."""
