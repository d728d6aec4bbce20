"""Core pages: start page, health check, language switch."""
