"""Wiring: imports every domain's models and plug-ins so that ``Base.metadata`` knows all
tables and cross-domain hooks (scope resolver, finding rules) are installed.

Alembic, the test suite and :func:`hazwatch.core.context.build_context` reach this through
:func:`hazwatch.core.db.import_all_models`. A new domain adds its lines here.
"""

from hazwatch.attachments import models as attachment_models  # noqa: F401
from hazwatch.chemicals import findings as chemical_findings  # noqa: F401
from hazwatch.chemicals import hooks as chemical_hooks  # noqa: F401
from hazwatch.chemicals import models as chemical_models  # noqa: F401
from hazwatch.core.audit import models as audit_models  # noqa: F401
from hazwatch.core.auth import models as auth_models  # noqa: F401
from hazwatch.district import models as district_models  # noqa: F401
from hazwatch.district.admission import findings as admission_findings  # noqa: F401
from hazwatch.district.admission import models as admission_models  # noqa: F401
from hazwatch.district.catalogue import findings as catalogue_findings  # noqa: F401
from hazwatch.district.catalogue import models as catalogue_models  # noqa: F401
from hazwatch.district.coverage import models as coverage_models  # noqa: F401
from hazwatch.district.coverage import report as coverage_report  # noqa: F401
from hazwatch.district.map import models as map_models  # noqa: F401
from hazwatch.district.resources import models as resources_models  # noqa: F401
from hazwatch.district.transport import findings as transport_findings  # noqa: F401
from hazwatch.district.transport import ingest as transport_ingest  # noqa: F401
from hazwatch.district.transport import models as transport_models  # noqa: F401
from hazwatch.district.waste import findings as waste_findings  # noqa: F401
from hazwatch.district.waste import models as waste_models  # noqa: F401
from hazwatch.emergency import findings as emergency_findings  # noqa: F401
from hazwatch.emergency import models as emergency_models  # noqa: F401
from hazwatch.emergency import watch as emergency_watch  # noqa: F401
from hazwatch.emergency.readiness import findings as readiness_findings  # noqa: F401
from hazwatch.emergency.readiness import models as readiness_models  # noqa: F401
from hazwatch.emergency.readiness import watch as readiness_watch  # noqa: F401
from hazwatch.monitoring import findings as monitoring_findings  # noqa: F401
from hazwatch.monitoring import models as monitoring_models  # noqa: F401
from hazwatch.monitoring import partitions as reading_partitions  # noqa: F401
from hazwatch.monitoring.access import models as access_models  # noqa: F401
from hazwatch.monitoring.calibration import models as calibration_models  # noqa: F401
from hazwatch.monitoring.calibration import watch as calibration_watch  # noqa: F401
from hazwatch.monitoring.escalation import models as escalation_models  # noqa: F401
from hazwatch.monitoring.interlocks import models as interlock_models  # noqa: F401
from hazwatch.monitoring.occupancy import models as occupancy_models  # noqa: F401
from hazwatch.monitoring.occupancy import watch as occupancy_watch  # noqa: F401
from hazwatch.monitoring.tanks import models as tank_models  # noqa: F401
from hazwatch.monitoring.workers import models as worker_models  # noqa: F401
from hazwatch.prevention import models as prevention_models  # noqa: F401
from hazwatch.prevention.commitments import models as commitment_models  # noqa: F401
from hazwatch.prevention.commitments import watch as commitment_watch  # noqa: F401
from hazwatch.prevention.hazard_findings import escalation as hazard_escalation  # noqa: F401
from hazwatch.prevention.hazard_findings import models as hazard_models  # noqa: F401
from hazwatch.prevention.inspections import models as inspection_models  # noqa: F401
from hazwatch.prevention.odh import findings as odh_findings  # noqa: F401
from hazwatch.prevention.odh import hooks as odh_hooks  # noqa: F401
from hazwatch.prevention.odh import models as odh_models  # noqa: F401
from hazwatch.prevention.risks import hooks as risk_hooks  # noqa: F401
from hazwatch.prevention.risks import models as risk_models  # noqa: F401
from hazwatch.registry import findings as registry_findings  # noqa: F401
from hazwatch.registry import models as registry_models  # noqa: F401
from hazwatch.registry import scope as registry_scope  # noqa: F401
from hazwatch.registry.landlord import models as landlord_models  # noqa: F401
from hazwatch.registry.landlord import watch as landlord_watch  # noqa: F401
from hazwatch.supervision import codes as supervision_codes  # noqa: F401
from hazwatch.supervision import dispatch as supervision_dispatch  # noqa: F401
from hazwatch.supervision import models as supervision_models  # noqa: F401
from hazwatch.supervision import point_triggers as supervision_point_triggers  # noqa: F401
from hazwatch.supervision import responsibility as supervision_responsibility  # noqa: F401
from hazwatch.supervision import watch as supervision_watch  # noqa: F401
