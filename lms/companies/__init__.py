"""The company portal: employees, assignments, privacy and consent, exports."""
