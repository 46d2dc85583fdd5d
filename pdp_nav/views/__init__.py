"""The neutral result view (the action plan and cards) and its renderings: JSON, Markdown, plain text, HTML."""
