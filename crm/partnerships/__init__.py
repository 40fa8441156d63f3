"""Partnerships: their members, roles, pipeline stages, priority areas and meetings."""
