"""Folding statements as they are stored: the ``lms_statements_stored`` listener's work."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from lms.extensions import db
from lms.learning.projection.folder import StatementFolder
from lms.learning.projection.rebuild import rebuild
from lms.lrs.crediting import is_platform_statement, load_credit_rule
from xapi import reads
from xapi import vocabulary as v


def fold_statements(stored: list[Mapping[str, Any]], now: datetime) -> None:
    """Fold newly stored statements into the projection (the ``lms_statements_stored`` hook).

    Voiding statements rebuild the learner and course of their target.
    """
    voided_verb = v.VERBS["voided"].id
    voiding = [s for s in stored if (s.get("verb") or {}).get("id") == voided_verb]
    rule = load_credit_rule()
    # Decided early: statements no authority may credit are stored and never folded.
    plain = [s for s in stored
             if (s.get("verb") or {}).get("id") != voided_verb and rule.may_credit(s)]
    if plain and not all(is_platform_statement(s) for s in plain):
        # a voiding statement may have arrived before its target
        voided = reads.voided_ids(db.session.connection(), [str(s["id"]) for s in plain])
        plain = [s for s in plain if str(s["id"]) not in voided]
    if plain:
        folder = StatementFolder(fresh=False, rule=rule)
        folder.fold(plain)
        for pair in folder.pairs.values():
            pair.finish(now, replay=False)
    if voiding:
        targets = [str((s.get("object") or {}).get("id")) for s in voiding]
        affected = StatementFolder(fresh=False, rule=rule)
        affected.fold(reads.statements_by_id(db.session.connection(), targets))
        for user_id, course_id in list(affected.pairs):
            rebuild(now, user_ids=[user_id], course_ids=[course_id])
