"""Navigation and dashboard panels, collected from every plugin's hooks."""

from lms.plugins import hooks


def navigation_for(user, section: str = "main") -> list[dict]:
    """Return the navigation entries ``user`` may see in ``section``, in order."""
    entries = [
        entry
        for batch in hooks().lms_navigation_entries(user=user)
        for entry in batch or []
        if entry.get("section", "main") == section
    ]
    return sorted(entries, key=lambda e: (e.get("order", 100), e["label"]))


def dashboard_panels(user) -> list:
    """Return the dashboard panels every plugin contributes for ``user``."""
    batches = hooks().lms_dashboard_panels(user=user)
    return [panel for batch in batches for panel in batch or []]
