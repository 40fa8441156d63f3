"""Outreach: tasks, the workbook's timeline (sections B-D), the scheduler and the mail outbox."""
