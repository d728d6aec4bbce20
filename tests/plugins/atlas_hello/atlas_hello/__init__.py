"""A tiny third-party ATLAS Campus plugin: one page, one nav entry, one event listener."""
