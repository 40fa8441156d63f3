"""Privacy: export everything held about a person, and erase a person everywhere on request."""
