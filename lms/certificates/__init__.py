"""Certificates: issuing on course completion, signed PDFs, public verification."""
