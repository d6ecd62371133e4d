from __future__ import annotations

import pytest

from hazwatch import demo as full_demo
from hazwatch.core.context import Context
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.demo import DemoIds


@pytest.fixture
def demo(context: Context) -> DemoIds:
    with context.unit_of_work() as session:
        return full_demo.load(session, Moment.of(context))
