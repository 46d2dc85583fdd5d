"""The YAML content: reading with positions, files, building the model, schema, lint, cache, loading, answers."""
