"""Harnesses for the W3C SPARQL 1.1 test suites (data under CDKG_CONFORMANCE_DIR)."""
