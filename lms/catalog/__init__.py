"""Catalog: published courses and their versions, imported from authoring packages."""
