"""nlp: the only place that imports spaCy."""
