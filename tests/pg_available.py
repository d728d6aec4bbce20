"""Exit 0 when the PostgreSQL test database answers, 1 otherwise (used by `make test`)."""

import sys

from sqlalchemy import create_engine, text


def main(url: str) -> int:
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means "not available"
        print(f"PostgreSQL not available: {error.__class__.__name__}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
