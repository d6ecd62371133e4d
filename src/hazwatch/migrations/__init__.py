"""Alembic migrations, shipped inside the package so ``hazwatch db upgrade`` works anywhere."""
