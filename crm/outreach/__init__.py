"""Outreach: tasks, the workbook's timeline, the scheduler and the mail outbox."""
