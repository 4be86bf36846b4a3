"""schemagate: reviewed, rehearsed, gated PostgreSQL schema changes from git."""
