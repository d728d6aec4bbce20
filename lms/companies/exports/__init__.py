"""Completion exports of a company (CSV, XLSX, JSON, xAPI) and the funding evidence pack."""
