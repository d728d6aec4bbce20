"""Blended-learning sessions: scheduling, registration, attendance and check-in."""
