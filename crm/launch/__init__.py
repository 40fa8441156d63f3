"""The launch meeting and after (issue 14): attendance at the door, priority areas and champions."""
