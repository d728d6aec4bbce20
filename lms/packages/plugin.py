"""Registers the packages area with the plugin host."""
