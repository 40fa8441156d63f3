"""API endpoints for people, organisations and relationships (issue 3 fills this in)."""
