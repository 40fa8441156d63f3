"""Scoring: the three civic-entrepreneur traits, suggestions and the chairs' review."""
