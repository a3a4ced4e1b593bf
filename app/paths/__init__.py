"""Path questions over a networkx projection of the decision layer, one per access level."""
