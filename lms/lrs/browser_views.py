"""The statement browser: /admin/lrs/statements for admins, scoped to their courses for trainers."""

import json

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.errors import DomainError, ValidationFailedError
from lms.extensions import db
from lms.lrs.browser import (
    FILTERS,
    BrowserScope,
    actor_label,
    browser_scope,
    build_query,
    check_more_query,
    learner_names,
)
from lms.lrs.embedded import platform_lrs
from lms.unit_of_work import unit_of_work
from xapi.isotime import parse_timestamp
from xapi.query import SingleStatementQuery
from xapi.reads import deliveries, referring_ids
from xapi.store_errors import StoreError

bp = Blueprint("lrs_browser", __name__, url_prefix="/admin/lrs/statements",
               template_folder="templates")


def _scope() -> BrowserScope:
    try:
        return browser_scope(current_user, current_app.config["ATLAS_BASE_URL"])
    except DomainError:
        abort(403)


def _rows(statements, scope: BrowserScope, conn):
    base = current_app.config["ATLAS_BASE_URL"]
    names = learner_names(statements, scope, base)
    sent = deliveries(conn, [s["id"] for s in statements])
    return [{
        "id": s["id"],
        "stored": parse_timestamp(s["stored"]) if s.get("stored") else None,
        "actor": actor_label(s.get("actor"), scope, base, names),
        "verb": s["verb"]["id"],
        "object": s["object"].get("id", s["object"].get("objectType", "")),
        "is_ref": s["object"].get("objectType") == "StatementRef",
        "deliveries": sent.get(s["id"], []),
    } for s in statements]


@bp.get("")
@login_required
def list_statements():
    """Search statements; each row links to the statement's JSON."""
    scope = _scope()
    filters = {name: request.args.get(name, "") for name in FILTERS}
    lrs, conn = platform_lrs(), db.session.connection()
    error, rows, more = None, [], ""
    if scope.prefixes == ():
        # A trainer of no course yet: nothing to browse, said plainly rather than a 403.
        page_html = render_template(
            "lrs/statements.html", rows=[], more="", filters=filters, scope=scope,
            error=None, notice=_("Sie sind für keinen Kurs als Trainer eingetragen."),
        )
        return page_html, 200
    # one unit of work: a long query is stored for its more link, and kept only on success
    with unit_of_work(flash_error=False) as work:
        try:
            token = request.args.get("more")
            if token:
                query, _cursor, _bound = lrs.read_more(conn, token)
                check_more_query(scope, query)
                page = lrs.query_more(conn, token)
            else:
                query = build_query(scope, filters, current_app.config["ATLAS_BASE_URL"])
                page = lrs.query(conn, query)
            rows = _rows(page.statements, scope, conn)
        except StoreError as exc:  # a query the store refuses: said on the page
            raise ValidationFailedError(exc.message) from exc
        if page.more:
            more = url_for(".list_statements", more=page.more.split("more=", 1)[1])
    if work.failed:
        if work.error.status_code == 403:
            abort(403)
        rows, more, error = [], "", work.message
    page_html = render_template(
        "lrs/statements.html", rows=rows, more=more, filters=filters, error=error,
        scope=scope, notice=None,
    )
    return page_html, 400 if error else 200


@bp.get("/<statement_id>")
@login_required
def show_statement(statement_id: str):
    """One statement's JSON, its StatementRef target, the statements referring to it
    (voiding ones included), and its delivery to each upstream LRS."""
    scope = _scope()
    lrs, conn = platform_lrs(), db.session.connection()
    is_voided = False
    try:
        statement = lrs.get_statement(
            conn, SingleStatementQuery(statement_id=statement_id)
        ).statement
    except StoreError:
        try:
            statement = lrs.get_statement(
                conn, SingleStatementQuery(voided_statement_id=statement_id)
            ).statement
            is_voided = True
        except StoreError:
            abort(404)
    if not scope.allows(statement):
        abort(404)  # as if it did not exist: its id tells a trainer nothing either
    (row,) = _rows([statement], scope, conn)
    return render_template(
        "lrs/statement.html",
        row=row,
        is_voided=is_voided,
        target=statement["object"]["id"] if row["is_ref"] else None,
        referring=referring_ids(conn, statement["id"]),
        text=json.dumps(statement, ensure_ascii=False, indent=2),
        scope=scope,
    )
