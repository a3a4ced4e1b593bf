"""SPARQL execution and the SPARQL 1.1 Protocol."""
