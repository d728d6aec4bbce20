"""The hand-written statement validator, one module per part of the data model.

Use :func:`xapi.validate.validate_statement`; the modules here are its parts.
"""
