"""Accounts: users, roles, partnership access, sign-in and API tokens."""
