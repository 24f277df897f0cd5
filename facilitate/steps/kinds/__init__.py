"""Step kinds that belong to no feature package, one module each (found automatically)."""
