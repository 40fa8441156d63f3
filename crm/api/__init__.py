"""The JSON API, /api/v1, authenticated by personal bearer tokens."""
