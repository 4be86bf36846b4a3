"""The webhook API (FastAPI): verify, record, enqueue, answer."""
