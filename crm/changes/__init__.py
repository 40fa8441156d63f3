"""Change tracking: what a save changes, and the per-process caches that catch up on it.

- models.py: the version rows (one per consumer: the network, the scores) and the change log;
- tracking.py: what each model declares (`__tracked__ = Tracked(...)`) and the flush hooks,
  i.e. "what happens when I save a Person?";
- cache.py: `CatchUpCache`, a value per process brought up to date from the log.
"""
