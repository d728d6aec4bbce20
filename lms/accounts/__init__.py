"""Accounts: users, roles, organisations, invitations, login and password handling."""
