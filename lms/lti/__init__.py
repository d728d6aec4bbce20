"""ATLAS Campus as an LTI 1.3 tool: platform registrations, launches, deep linking, grades back."""
