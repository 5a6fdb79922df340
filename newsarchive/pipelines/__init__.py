"""Item pipelines, one job each: normalise, validate, deduplicate, store."""
