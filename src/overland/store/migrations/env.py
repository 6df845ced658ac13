"""Alembic's environment for the reports database.

Run through :mod:`overland.store.db` (``Store.upgrade`` / ``Store.downgrade``), which
passes an open connection in ``config.attributes["connection"]``. Run by hand (to write
a new revision, ``alembic -x`` is not needed) it connects to ``OVERLAND_DATABASE_URL`` or
the default database.
"""

from __future__ import annotations

from alembic import context

from overland.store.schema import Base


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters a table by copying it
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from overland.store.db import make_engine
    from overland.store.location import database_url

    engine = make_engine(database_url())
    with engine.begin() as opened:
        _run(opened)
    engine.dispose()
