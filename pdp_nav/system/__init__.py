"""What the program needs from the machine: atomic files, streams and signals, safe text, user settings."""
