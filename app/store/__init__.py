"""The state store: SQLAlchemy models and the small functions that read and write them.

``Store`` (engine.py) opens sessions; models.py defines the tables; migrations.py upgrades
them; deliveries.py, audit.py, status.py and changes.py each hold one kind of query.
"""

from app.store.engine import Store

__all__ = ["Store"]
