"""Registers the qualifications area with the plugin host."""
