"""Server-rendered bar charts (SVG attributes only: the CSP allows no inline styles)."""

from dataclasses import dataclass

from lms.companies.assignments import STATUS_LABELS, STATUSES, GroupCounts


@dataclass
class Segment:
    status: str
    label: str
    count: int
    x: float  #: start, in percent of the bar
    width: float  #: in percent of the bar


def stacked_segments(group: GroupCounts) -> list[Segment]:
    """The segments of one group's stacked bar, in status order; none when withheld."""
    if group.is_withheld or not group.total:
        return []
    segments, x = [], 0.0
    for status in STATUSES:
        count = group.counts.get(status, 0)
        if not count:
            continue
        width = round(100.0 * count / group.total, 2)
        segments.append(Segment(status, str(STATUS_LABELS[status]), count, round(x, 2), width))
        x += width
    return segments
