"""The planning engine: load the desired schema, diff, classify, rehearse, apply."""
