"""The Celery side: the app and its schedule (celery_app.py), thin task adapters (tasks.py),
the retry table (retry.py), and what the API uses to enqueue (queue.py)."""
