"""Reference scenarios: reading, running, coverage and reports."""
