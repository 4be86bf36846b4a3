"""Celery worker: thin task adapters over the flows in :mod:`app.flows`."""
