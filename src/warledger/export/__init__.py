"""export: one module per format."""
