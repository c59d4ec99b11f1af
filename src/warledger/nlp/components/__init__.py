"""warledger's spaCy components, one per module; registered in ``nlp/factories.py``."""
