"""Credential scopes of the LRS (xAPI 1.0.3 Communication 4.2, "OAuth Authorization Scope").

A client holds a list of scopes; each request needs one of the scopes its resource and
method allow. ``all`` allows everything, ``all/read`` every GET.
"""

STATEMENTS_WRITE = "statements/write"
STATEMENTS_READ = "statements/read"
STATEMENTS_READ_MINE = "statements/read/mine"
STATE = "state"
DEFINE = "define"
PROFILE = "profile"
ALL_READ = "all/read"
ALL = "all"

#: Every scope, in the order the admin page lists them.
SCOPES = (
    STATEMENTS_WRITE,
    STATEMENTS_READ,
    STATEMENTS_READ_MINE,
    STATE,
    DEFINE,
    PROFILE,
    ALL_READ,
    ALL,
)

READ_METHODS = frozenset({"GET", "HEAD"})


def granting(resource_scopes: tuple[str, ...], method: str) -> tuple[str, ...]:
    """The scopes that allow ``method`` on a resource whose own scopes are ``resource_scopes``."""
    if method in READ_METHODS:
        return (*resource_scopes, ALL_READ, ALL)
    return (*resource_scopes, ALL)


def allows(
    held: list[str] | tuple[str, ...], resource_scopes: tuple[str, ...], method: str
) -> bool:
    """Whether a client holding ``held`` may use ``method`` on the resource."""
    return any(scope in held for scope in granting(resource_scopes, method))


def reads_only_own(held: list[str] | tuple[str, ...]) -> bool:
    """True when the client may read statements, but only those it stored itself."""
    return STATEMENTS_READ_MINE in held and not any(
        scope in held for scope in (STATEMENTS_READ, ALL_READ, ALL)
    )
