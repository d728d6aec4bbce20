"""Registers the job layer: its models, pages, /metrics, the web-side schedule and the CLI."""

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.jobs.models"]


@hookimpl
def lms_job_modules():
    return ["lms.jobs.housekeeping"]


@hookimpl
def lms_load_blueprints(app):
    from lms.jobs.metrics import init_metrics
    from lms.jobs.schedule import init_web_schedule
    from lms.jobs.views import bp

    app.register_blueprint(bp)
    init_metrics(app)
    init_web_schedule(app)


@hookimpl
def lms_cli_commands():
    from lms.jobs.cli import scheduler_command, worker_command

    return [worker_command, scheduler_command]
