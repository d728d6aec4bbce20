"""ATLAS Campus: the Flask learning platform."""

from lms.app import create_app

__all__ = ["create_app"]
