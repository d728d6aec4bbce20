"""Qualification planning: qualifications and their evidence, role profiles, the matrix per
company, gaps closed by assignments, and the network-wide picture."""
