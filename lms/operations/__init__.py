"""Operations: liveness and readiness checks, backup and restore of an installation."""
