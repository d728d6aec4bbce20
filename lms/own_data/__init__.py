"""A person's own data ("Meine Daten"): everything the platform holds about the signed-in
account, gathered from every area, shown readably and downloadable as JSON.

- ``collect.py``: the account's own section, the gathering of every area's sections
  through the ``lms_personal_data`` hook, and the stream of the person's xAPI statements.
- ``readable.py``: labels, words and local times for the page.

Each area keeps its own contribution beside its data (``learning/personal_data.py``,
``sessions/personal_data.py``, ``certificates/personal_data.py``, ``companies/personal_data.py``).
The three pages (``/me/data``, ``/me/data.json``, ``/me/statements.json``) are still served
by the learning blueprint as ``learning.personal_data`` and friends: the accounts pages, reworked
in parallel, link that endpoint name. This area therefore sits below ``learning`` in the layers
contract; it reaches the areas above it only through the hook.
"""
