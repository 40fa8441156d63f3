"""Contacts: people, organisations and the ties between them."""
