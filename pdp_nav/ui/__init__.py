"""The terminal: Rich rendering, prompts, the navigator, the navigate session and trainer screens."""
