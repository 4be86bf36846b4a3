"""The state store: deliveries, change requests, plans, applies, audit log."""
