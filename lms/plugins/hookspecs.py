"""Every hook of ATLAS Campus, declared and documented in one place.

Setup hooks run once while the app is built; provider hooks return things the
core collects; event hooks are called after a domain event, inside the same
unit of work (they may add rows, never commit). docs/plugins.md mirrors this file.
"""

from lms.plugins import hookspec

# --- setup hooks -------------------------------------------------------------


@hookspec
def lms_load_blueprints(app):
    """Register the plugin's blueprints on ``app``.

    Called once from ``create_app``; built-in areas (accounts, admin, …) use it too.
    """


@hookspec
def lms_cli_commands():
    """Return a list of click commands or groups to add to the ``atlas`` CLI."""


@hookspec
def lms_model_modules():
    """Return module names whose SQLAlchemy models must be imported.

    Importing them before migrations and ``create_app`` finish makes their tables
    part of the metadata that Alembic compares.
    """


@hookspec
def lms_job_modules():
    """Return module names that register background jobs (``@job`` / ``every``).

    ``create_app`` imports them, so a worker resolves every job by its name and the
    scheduler knows every schedule.
    """


@hookspec
def lms_extra_metadata():
    """Return extra SQLAlchemy ``MetaData`` objects managed by the migrations.

    The xAPI store keeps its tables on its own metadata (it is a library without
    Flask); returning it here makes Alembic create and check those tables too.
    """


# --- provider hooks ----------------------------------------------------------


@hookspec
def lms_navigation_entries(user):
    """Return navigation entries for ``user`` as a list of dicts.

    Each dict has ``endpoint``, ``label`` (translated), ``order`` (int) and
    optionally ``section`` (``main`` or ``user``). Return ``[]`` when the user
    may not see the plugin's pages.
    """


@hookspec
def lms_dashboard_panels(user):
    """Return extra panels for the learner's dashboard as rendered HTML Markup."""


@hookspec
def lms_demo_data(now):
    """Create the plugin's demo data (flush only); return lines to print, e.g. logins."""


@hookspec
def lms_personal_data(user):
    """Return what the plugin holds about ``user``, for the learner's own data page.

    A list of sections, each a dict ``{"key": str, "title": str, "employer_sees": str,
    "items": list[dict]}``: ``title`` and ``employer_sees`` (what the user's employer can
    see of it, in words) are translated; ``items`` hold JSON-safe values only (dates as
    ISO 8601 strings), since the page offers them as a JSON download too.
    """


# --- event hooks -------------------------------------------------------------


@hookspec
def lms_user_registered(user, now):
    """A user account was created (self-registration, invitation or admin)."""


@hookspec
def lms_user_logged_in(user, now):
    """A user logged in successfully."""


@hookspec
def lms_statements_stored(statements, now):
    """Statements were stored in the platform's LRS, by any client or by the platform itself.

    ``statements`` are the stored forms (with id, stored, authority) of the statements
    actually written; resends of statements already held are left out. Called inside the
    storing transaction: the progress projection updates itself here.
    """


@hookspec
def lms_course_imported(course, version, source_path, now):
    """A course folder was imported through the catalog (command line, demo data, studio).

    ``course`` and ``version`` are the catalog rows (the version may be one the course had
    already, when the sources were unchanged); ``source_path`` is the folder that was read,
    still present during the call. The studio takes it as the course's draft when the course
    has none yet.
    """


@hookspec
def lms_course_version_published(course, version, actor, now):
    """``version`` became the published version of ``course`` (import, studio, rollback).

    ``actor`` is the user who published it, or None for the platform (command line, demo
    data). Called inside the publishing transaction; packages give their lessons' LRS
    clients their credit grants here (admins) or ask an admin for them (trainers).
    """


@hookspec(firstresult=True)
def lms_course_draft_paths(course):
    """Return the paths of every file in ``course``'s draft (its editable source folder), or
    None when it has none; the first answer wins (the studio keeps drafts)."""


@hookspec(firstresult=True)
def lms_course_draft_write(course, files, actor, now):
    """Write ``files`` (``{course-relative path: bytes}``) into ``course``'s draft, creating
    the draft if needed; return the paths that changed. Raises ``ValidationFailedError`` for
    a path or size the draft does not allow (the caller's transaction then writes nothing).
    The studio answers; areas below it (packages) add sources this way."""


@hookspec
def lms_lrs_admin_sections():
    """Return extra sections (HTML Markup) for the LRS admin page, e.g. grants waiting for
    an admin's decision."""


@hookspec(firstresult=True)
def lms_course_source_text(course, path):
    """Return the text of one source file of ``course`` (``modules/…/x.md``) as its
    authors currently have it, or None; the first answer wins.

    The studio answers from the course's draft; the item analysis uses it to link each
    question to its line in the studio editor.
    """


@hookspec
def lms_course_completed(user, course, completed_at):
    """A learner met the completion rule of a course (fired once per completion)."""


@hookspec
def lms_enrolment_changed(enrolment, now):
    """An enrolment was created, reactivated, assigned, withdrawn or restarted (retake).

    ``enrolment.status`` tells which side it is on; on withdrawal, sessions cancel the
    learner's future registrations.
    """


@hookspec
def lms_user_renamed(user, old_name, now):
    """A user's name changed (``user.name`` is the new one, ``old_name`` the previous).

    Certificates re-issue every valid certificate in the new name under a new number
    that lists the previous ones; the old numbers stay verifiable as "superseded".
    """


@hookspec
def lms_certificate_templates():
    """Return extra certificate PDF templates as ``{name: template path}``.

    The path is a Jinja template name the app's loader finds (for example one in the
    plugin blueprint's ``templates/`` folder). A course picks one by name in
    ``certificate.template``; unknown names fall back to ``default``.
    """
