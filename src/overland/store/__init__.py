"""The reports database: crossing reports, the tokens that submit them, migrations.

SQLAlchemy 2 (typed ORM) with Alembic migrations shipped in the package. By default a
SQLite file in the user's data directory; PostgreSQL when ``OVERLAND_DATABASE_URL``
names one. :mod:`overland.store.location` says where the database is without importing
SQLAlchemy (the command line's cold start); :mod:`overland.store.db` opens it and
migrates it; :mod:`overland.store.reports` reads and writes reports and tokens.
"""
