"""Power analytics over the decision layer: who imposes, relays, excludes, overrides, overrules."""
