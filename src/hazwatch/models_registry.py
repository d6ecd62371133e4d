"""Imports every domain's models so that ``Base.metadata`` knows all tables.

Alembic, the test suite and ``create_all`` call :func:`hazwatch.core.db.import_all_models`,
which imports this module. A new domain adds one line here.
"""

from hazwatch.core.audit import models as audit_models  # noqa: F401
from hazwatch.core.auth import models as auth_models  # noqa: F401
