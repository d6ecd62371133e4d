from __future__ import annotations

import pytest

from hazwatch.core.context import Context
from hazwatch.registry.demo import DemoIds, load_demo


@pytest.fixture
def demo(context: Context) -> DemoIds:
    with context.unit_of_work() as session:
        return load_demo(session)
