"""cdkg: a knowledge graph of classification decisions in the production of ML datasets."""

__version__ = "0.1.0"
