"""The pure core: conditions, the domain model, the navigation engine, départements, legal references (stdlib only)."""
