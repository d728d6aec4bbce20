"""Tables of the cockpit's overrides and announcements."""
