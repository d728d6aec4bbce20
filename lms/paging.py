"""Page arithmetic shared by the paged lists (access log, participants)."""


class Paged:
    """Mixin for a dataclass with ``page``, ``per_page`` and ``total``."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages
