"""Every message of both catalogues renders, with the parameters its callers pass, to a text
with no ``{…}`` left over; every key the code names exists.

Callers are found in the source: calls of the i18n helpers (``translate``, the console's
``_t``, the CLI's ``fail``, the domain errors, the scenario loader's ``error``, the replay
timeline's ``add`` and the access rules' ``_reason``) with the key as a literal, a local name
assigned literals, or an f-string (a family of keys). Keys whose parameters travel in stored
data (an alarm's ``params``, a finding's, a stored access reason) are listed in ``INDIRECT``
with the parameters their producers put there; a templated key nobody is known to fill fails
until it is listed.
"""

from __future__ import annotations

import ast
import re
import string
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hazwatch.core.i18n import LANGUAGES, catalogue

SRC = Path(__file__).resolve().parents[2] / "src" / "hazwatch"


@dataclass(frozen=True)
class Helper:
    prefix: str = ""  # codes without a dot get this prefix
    added: frozenset[str] = frozenset()  # parameters the helper adds itself
    not_params: frozenset[str] = frozenset()  # its own keywords


_ERROR = Helper(not_params=frozenset({"field", "exit_code", "file", "line"}))
#: Functions whose first argument (any key-like one, for ``add``) is a message key; their
#: keyword arguments are the message's parameters.
HELPERS = {
    "translate": Helper(),
    "_t": Helper(),
    "_": Helper(),
    "add": Helper(),  # scenarios.result.timeline
    # access.service: stored reasons; describe() adds the room
    "_reason": Helper("access.reason.", frozenset({"room"})),
    "fail": _ERROR,
    "error": _ERROR,  # scenarios.loader._Lines.error
    "InvalidInput": _ERROR,
    "NotFound": _ERROR,
    "Conflict": _ERROR,
    "Forbidden": _ERROR,
    "Unauthenticated": _ERROR,
    "TooLarge": _ERROR,
    "DomainError": _ERROR,
    "ScenarioError": _ERROR,
}

_SCBA = {"scba", "pressure"}
_ACCESS = {"room"}  # access.service.describe adds the room to every stored reason
_FINDING = {"organisation"}  # registry routes and CLI add the organisation's name
#: Keys filled from stored or passed-along parameters, with what their producers put there.
INDIRECT: dict[str, set[str]] = {
    # monitoring.danger.advise: Advice(key, params), rendered by web.danger.advice_text
    **{
        f"console.advice.action.{s}": {"action", "at"}
        for s in ("sent", "confirmed", "refused", "timeout")
    },
    "console.advice.evacuate": {"n"},
    # core.exposure.warnings: (key, params) pairs that hazwatch serve prints
    "core.exposure.default_secret_key": {"host"},
    "core.exposure.demo_passwords": {"host", "users"},
    # monitoring.engine._apply: {"point": code, **params}; a clear keeps the raised message
    **{
        f"monitoring.alarm.{c}": {"point"}
        for c in ("low_low", "low", "high", "high_high", "roc", "leak")
    },
    "monitoring.alarm.stale": {"point", "since"},
    "monitoring.alarm.fault": {"point", "fault"},
    "monitoring.alarm.tank_leak": {"tank", "rooms"},  # tanks.watch
    "monitoring.alarm.unconfirmed": {"action", "device"},  # interlocks.service
    # access.service: room_reasons, _confined_reasons, decide (rescue) + describe's room
    "access.reason.o2_unknown": _ACCESS | {"point", "quality", "modelled"},
    "access.reason.o2_alarm": _ACCESS | {"point", "value", "conditions", "modelled"},
    "access.reason.no_working_o2_point": _ACCESS,
    "access.reason.room_alarm": _ACCESS | {"condition", "alarm"},
    **{
        f"access.reason.{c}": _ACCESS | {"permit", "minutes", "limit"}
        for c in ("no_permit", "no_gas_test", "gas_test_too_old", "gas_test_failed")
    },
    **{
        f"access.reason.{c}": _ACCESS | {"permit", "minutes", "limit"}
        for c in (
            "permit_not_approved",
            "no_guardian",
            "hot_work_permit_not_approved",
            "hot_work_no_guardian",
            "hot_work_no_gas_test",
            "hot_work_gas_test_too_old",
            "hot_work_gas_test_failed",
        )
    },
    "access.reason.o2_uncalibrated": _ACCESS | {"point"},
    "access.reason.unknown_door": _ACCESS,
    "access.reason.timeout": _ACCESS,
    "access.reason.rescue_with_scba": _ACCESS | _SCBA,
    # emergency.service readiness reasons: rendered by access (describe), the SCBA page and
    # the replay timeline, each passing the set and its pressure
    **{
        f"emergency.{c}": _SCBA
        for c in ("no_scba_for_person", "scba_never_checked", "scba_check_overdue")
    },
    "emergency.scba_low_pressure": _SCBA,
    "emergency.scba_defect": _SCBA,
    # emergency.service._params: the hidden danger an unready set opens
    **{
        f"emergency.hazard.{c}": {"scba", "holder", "pressure", "minimum"}
        for c in ("scba_never_checked", "scba_check_overdue", "scba_low_pressure", "scba_defect")
    },
    "inspection.hazard.failed_item": {"item", "point", "answer", "note"},
    # monitoring.calibration.service._params: the hidden danger an uncalibrated detector opens
    **{f"calibration.hazard.{c}": {"point", "due"} for c in ("overdue", "failed")},
    # emergency.readiness.service: drill findings and equipment checks open hidden dangers
    "readiness.hazard.drill_finding": {"drill", "text"},
    **{f"readiness.hazard.{c}": {"code", "kind"} for c in ("check_failed", "check_overdue")},
    "registry.finding.qualification_lapsed": _FINDING | {"person", "kind", "expired"},
    # registry.landlord: a landlord's finding; notices of a tenant's risky changes
    "landlord.hazard.finding": {"landlord", "text"},
    **{f"landlord.notice.sublease_{p}": {"tenant", "subtenant"} for p in ("subject", "body")},
    **{
        f"landlord.notice.inert_gas_{p}": {"tenant", "room", "substance"}
        for p in ("subject", "body")
    },
    # prevention.commitments.watch: a missing daily commitment
    "commitment.missing.subject": {"organisation", "day", "deadline"},
    "commitment.missing.body": {"organisation", "day", "deadline"},
    # monitoring.occupancy.watch: the check asked for a long stay
    "occupancy.stay.subject": {"person", "rooms", "since", "door"},
    "occupancy.stay.body": {"person", "rooms", "since", "door"},
    # audit.service.verify reasons: the API passes id and entries, the CLI id
    **{
        f"audit.verify.{c}": {"id"}
        for c in ("gap", "broken_link", "hash_mismatch", "rolled_back", "rewritten", "truncated")
    },
    # registry.findings, monitoring.findings, prevention.odh.findings (+ the organisation)
    "registry.finding.sublease_without_consent": _FINDING | {"lessor", "lessee"},
    "registry.finding.lease_without_safety_agreement": _FINDING | {"lessor", "lessee", "expired"},
    "registry.finding.unlicensed_supplier": _FINDING | {"substance", "customer"},
    "registry.finding.supervision_blind_spot": _FINDING | {"fallback"},
    # supervision.dispatch: an order's title_key with its stored params + organisation
    "supervision.dispatch.alarm": {"organisation", "condition"},
    "supervision.dispatch.hidden_danger_overdue": {"organisation", "number", "title"},
    "supervision.dispatch.hidden_danger_title": {"number", "notes"},
    **{  # supervision.dispatch._tell
        f"supervision.dispatch.notice.{n}": {"number", "organisation", "level"}
        for n in ("new", "reminder", "escalated")
    },
    "registry.finding.room_without_fixed_detector": _FINDING | {"room", "substance"},
    "registry.finding.odh_not_assessed": _FINDING | {"room"},
    "registry.finding.odh_class": _FINDING | {"room", "odh_class", "phi"},
    # chemicals.findings
    "registry.finding.major_hazard": _FINDING | {"unit", "level", "s", "r"},
    "registry.finding.major_hazard_person_missing": _FINDING | {"unit", "role"},
    "registry.finding.major_hazard_duty_overdue": _FINDING | {"unit", "role", "person", "due"},
    "registry.finding.scba_not_ready": _FINDING | {"scba", "why"},  # emergency.findings
    # district.transport: findings, and the dispatch a warning opens (+ the organisation)
    "registry.finding.transport_staff_short": _FINDING | {"connected", "required", "staff"},
    "registry.finding.vehicle_uninsured": _FINDING | {"plate"},
    # district.catalogue.findings
    **{
        f"registry.finding.catalogue_{c}": _FINDING | {"item", "entry"}
        for c in ("prohibited", "restricted", "controlled")
    },
    # district.admission.findings
    "registry.finding.admission_opinion_overdue": _FINDING | {"project", "department", "due"},
    "registry.finding.admission_decision_overdue": _FINDING | {"project", "due"},
    **{
        f"district.transport.warning.{c}": {"organisation", "plate", "zone", "speed", "limit"}
        for c in ("restricted", "speeding")
    },
    # district.coverage.views: a gap's reason with its detail
    "district.coverage.gap.below_target": {"trained", "workers"},
    **{
        f"district.coverage.gap.{c}": {"years", "department"}
        for c in ("no_safety_degree", "short_experience")
    },
    # district.waste.findings
    **{
        f"registry.finding.waste_{c}_unlicensed": _FINDING | {"manifest", "code"}
        for c in ("carrier", "receiver")
    },
    "registry.finding.waste_quantity_mismatch": _FINDING
    | {"manifest", "code", "declared", "picked_up", "received", "tolerance"},
    **{
        f"registry.finding.waste_manifest_{c}": _FINDING | {"manifest", "code", "due"}
        for c in ("overdue", "late")
    },
    "registry.finding.waste_store_no_thermal_imaging": _FINDING | {"store"},
    "registry.finding.waste_store_in_alarm": _FINDING | {"store", "points"},
    # scenarios.loader._from_pydantic: pydantic's error types mapped to keys, with its message
    **{
        f"scenarios.error.{c}": {"problem"}
        for c in (
            "unknown_key",
            "missing_key",
            "unknown_event_type",
            "not_one_of",
            "out_of_range",
            "invalid_value",
        )
    },
}
#: Keys a helper of another session is about to fill (landed: empty).
PENDING: set[str] = set()


@dataclass(frozen=True)
class Use:
    where: str
    params: frozenset[str] | None  # None: passed on from a mapping (``**params``)


class _Any:
    """A parameter value that accepts any format spec."""

    def __format__(self, spec: str) -> str:
        return "X"

    def __str__(self) -> str:
        return "X"


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _strings(node: ast.expr) -> list[str]:
    return [
        n.value
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and "." in n.value
    ]


def _assigned(scope: ast.AST, name: str) -> list[str]:
    found: list[str] = []
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            found += _strings(node.value)
    return found


def _keys(arg: ast.expr, scope: ast.AST, prefix: str) -> tuple[list[str], list[str]]:
    """Literal keys and f-string key prefixes an argument can hold."""
    if isinstance(arg, ast.JoinedStr):
        head = arg.values[0] if arg.values else None
        if isinstance(head, ast.Constant) and isinstance(head.value, str):
            return [], [head.value]
        return [], []
    literals = _assigned(scope, arg.id) if isinstance(arg, ast.Name) else _strings(arg)
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and prefix:
        literals = [arg.value if "." in arg.value else prefix + arg.value]
    return literals, []


def _returned_dicts(tree: ast.Module) -> dict[str, set[str]]:
    """Module functions that return one dict literal: the keys it holds."""
    found: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            returns = [n for n in ast.walk(node) if isinstance(n, ast.Return)]
            if len(returns) == 1 and isinstance(returns[0].value, ast.Dict):
                found[node.name] = set(_strings_of(returns[0].value.keys))
    return found


def _strings_of(nodes: list[ast.expr | None]) -> list[str]:
    return [n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _passed(call: ast.Call, helper: Helper, dicts: dict[str, set[str]]) -> frozenset[str] | None:
    """The parameter names a call passes (None: some come from a mapping we cannot read)."""
    names = set(helper.added)
    for keyword in call.keywords:
        if keyword.arg is not None:
            if keyword.arg not in helper.not_params:
                names.add(keyword.arg)
            continue
        value = keyword.value
        if isinstance(value, ast.Dict) and None not in value.keys:
            names.update(_strings_of(value.keys))
        elif (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id in dicts
        ):
            names.update(dicts[value.func.id])
        else:
            return None
    return frozenset(names)


def scan() -> tuple[dict[str, list[Use]], dict[str, list[Use]]]:
    literal: dict[str, list[Use]] = defaultdict(list)
    family: dict[str, list[Use]] = defaultdict(list)
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        dicts = _returned_dicts(tree)
        scopes = [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            if name not in HELPERS or not node.args:
                continue
            scope = min(
                (s for s in scopes if s.lineno <= node.lineno <= (s.end_lineno or s.lineno)),
                key=lambda s: (s.end_lineno or s.lineno) - s.lineno,
                default=tree,
            )
            where = f"{path.relative_to(SRC)}:{node.lineno}"
            helper = HELPERS[name]
            use = Use(where, _passed(node, helper, dicts))
            args = node.args if name == "add" else node.args[:1]
            for arg in args:
                literals, prefixes = _keys(arg, scope, helper.prefix)
                for key in literals:
                    literal[key].append(use)
                for prefix in prefixes:
                    family[prefix].append(use)
    return literal, family


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def _render(text: str, params: set[str]) -> str:
    values: dict[str, Any] = {name: _Any() for name in params}
    return text.format(**values)


def test_every_message_renders_with_the_params_its_callers_pass() -> None:
    literal, family = scan()
    messages = {language: catalogue(language) for language in LANGUAGES}
    keys = set(messages["zh_CN"]) | set(messages["en"])
    problems: list[str] = []

    for key, uses in sorted(literal.items()):
        if key in keys or key in PENDING or not re.fullmatch(r"[a-z_]+(\.[a-z0-9_]+)+", key):
            continue
        if any(key.startswith(prefix) for prefix in family) and not uses:
            continue
        problems.append(f"missing key {key} (used at {uses[0].where})")
    for prefix, uses in sorted(family.items()):
        if not any(k.startswith(prefix) for k in keys):
            problems.append(f"no key starts with {prefix} (used at {uses[0].where})")

    for key in sorted(keys):
        if key in PENDING:
            continue
        callers: list[tuple[str, set[str]]] = []
        known = [u for u in literal.get(key, []) if u.params is not None]
        callers += [(u.where, set(u.params or ())) for u in known]
        if key in INDIRECT:
            callers.append(("INDIRECT", INDIRECT[key]))
        if not callers:
            callers += [
                (u.where, set(u.params))
                for prefix, uses in family.items()
                if key.startswith(prefix)
                for u in uses
                if u.params is not None
            ]
        for language in LANGUAGES:
            text = messages[language].get(key)
            if text is None:
                problems.append(f"{key} missing in {language}")
                continue
            wanted = _fields(text)
            if wanted and not callers:
                problems.append(f"{key} ({language}) needs {sorted(wanted)}: who fills it?")
                continue
            for where, params in callers or [("-", set())]:
                try:
                    shown = _render(text, params)
                except (KeyError, IndexError, ValueError) as exc:
                    problems.append(f"{key} ({language}) at {where}: {exc!r} not passed")
                    continue
                if "{" in shown or "}" in shown:
                    problems.append(f"{key} ({language}) at {where}: leftover in {shown!r}")
    for key in INDIRECT:
        if key not in keys:
            problems.append(f"INDIRECT names {key}, which no catalogue has")
    assert problems == [], "\n".join(problems)
