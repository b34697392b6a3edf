"""Signed forms as they arrive: scans and photos of paper signed in ink, and digitally signed PDFs."""
