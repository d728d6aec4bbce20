"""The site frame: start page and learner dashboard, imprint and privacy pages, editable
site pages.

The area was called ``core``; its blueprint keeps the name ``"core"`` on purpose, so the
endpoints ``core.home``, ``core.imprint``, ``core.privacy_policy``, … stay as they are: they
are named in templates and redirects of every area (the accounts pages among them) and in
third-party plugins' ``url_for`` calls, and an endpoint name is part of that contract. The
formatting filters moved to ``lms/formatting.py``, beside ``lms/local_time.py``: every
area's templates use them, so they belong to no area.
"""
