"""Natural-language extraction: the spaCy pipeline, its components and the knowledge base."""
