"""The 18 key-supervised hazardous chemical processes (重点监管的危险化工工艺), copied as data
with their source: the first 15 from 国家安全生产监督管理总局《关于公布首批重点监管的危险化工
工艺目录的通知》(安监总管三〔2009〕116号), the last 3 from《关于公布第二批重点监管危险化工工艺
目录和调整首批重点监管危险化工工艺中部分典型工艺的通知》(安监总管三〔2013〕3号).

A project (or an enterprise's registered process) names them by code; the codes are
HazWatch's, the order is the notices'.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hazwatch.core.errors import InvalidInput

FIRST_BATCH = "安监总管三〔2009〕116号"
SECOND_BATCH = "安监总管三〔2013〕3号"


@dataclass(frozen=True)
class KeyProcess:
    code: str
    name: str
    name_en: str
    source: str


KEY_PROCESSES: dict[str, KeyProcess] = {
    p.code: p
    for p in (
        KeyProcess("P01", "光气及光气化工艺", "Phosgene and phosgenation", FIRST_BATCH),
        KeyProcess("P02", "电解工艺（氯碱）", "Electrolysis (chlor-alkali)", FIRST_BATCH),
        KeyProcess("P03", "氯化工艺", "Chlorination", FIRST_BATCH),
        KeyProcess("P04", "硝化工艺", "Nitration", FIRST_BATCH),
        KeyProcess("P05", "合成氨工艺", "Ammonia synthesis", FIRST_BATCH),
        KeyProcess("P06", "裂解（裂化）工艺", "Cracking", FIRST_BATCH),
        KeyProcess("P07", "氟化工艺", "Fluorination", FIRST_BATCH),
        KeyProcess("P08", "加氢工艺", "Hydrogenation", FIRST_BATCH),
        KeyProcess("P09", "重氮化工艺", "Diazotisation", FIRST_BATCH),
        KeyProcess("P10", "氧化工艺", "Oxidation", FIRST_BATCH),
        KeyProcess("P11", "过氧化工艺", "Peroxidation", FIRST_BATCH),
        KeyProcess("P12", "胺基化工艺", "Amination", FIRST_BATCH),
        KeyProcess("P13", "磺化工艺", "Sulphonation", FIRST_BATCH),
        KeyProcess("P14", "聚合工艺", "Polymerisation", FIRST_BATCH),
        KeyProcess("P15", "烷基化工艺", "Alkylation", FIRST_BATCH),
        KeyProcess("P16", "新型煤化工工艺", "New coal-chemical processes", SECOND_BATCH),
        KeyProcess("P17", "电石生产工艺", "Calcium carbide production", SECOND_BATCH),
        KeyProcess("P18", "偶氮化工艺", "Azo processes", SECOND_BATCH),
    )
}


def check_codes(codes: Iterable[str], field: str = "key_processes") -> list[str]:
    """The codes, each once and in the list's order; an unknown one is refused on ``field``."""
    wanted = {c.strip().upper() for c in codes}
    unknown = sorted(wanted - KEY_PROCESSES.keys())
    if unknown:
        raise InvalidInput("district.admission.unknown_process", field=field, process=unknown[0])
    return [code for code in KEY_PROCESSES if code in wanted]


def name_of(code: str, language: str) -> str:
    process = KEY_PROCESSES[code]
    return process.name if language.startswith("zh") else process.name_en
