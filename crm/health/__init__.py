"""Partnership health (issue 15 item 1): the workbook's red flags and green lights (section F),
computed from the partnership's own data and explained, plus the two judgement calls (grant
game, turf trap) the convener records. Pure rules in `snapshot.py`, `signals.py` and
`lights.py`; loading and the notes in `services.py`; the page in `views.py`."""
