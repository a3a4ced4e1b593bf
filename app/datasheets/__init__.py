"""Generated dataset documentation: a datasheet as Markdown and as Croissant RAI JSON-LD."""
