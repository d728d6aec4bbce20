"""Registers the lti area with the plugin host."""
