"""Background jobs: on Redis with RQ when ``ATLAS_REDIS_URL`` is set, inline after commit otherwise.

The bottom layer of ``lms``: areas register their jobs by name with :func:`job`
(``@job("certificates.render")`` in ``lms/certificates/jobs.py``) and enqueue them with
:func:`enqueue` inside their unit of work; the job leaves when the transaction commits.
"""

from lms.jobs.queue import enqueue
from lms.jobs.registry import every, job

__all__ = ["enqueue", "every", "job"]
