"""Study records (YAML, JSON, CSV) -> checked, mapped N-Quads -> the store. See docs/records.md."""
