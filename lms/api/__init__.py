"""REST API v1 for HR systems, with its OpenAPI document."""
