from __future__ import annotations

import re
from pathlib import Path

from hazwatch.core.i18n import LANGUAGES, catalogue, normalise_language, translate

SRC = Path(__file__).resolve().parents[2] / "src" / "hazwatch"


def test_every_language_has_every_key() -> None:
    keys = {language: set(catalogue(language)) for language in LANGUAGES}
    assert keys["zh_CN"] == keys["en"], keys["zh_CN"] ^ keys["en"]


def test_placeholders_agree_between_languages() -> None:
    pattern = re.compile(r"{(\w+)")
    for key, zh in catalogue("zh_CN").items():
        en = catalogue("en")[key]
        assert set(pattern.findall(zh)) == set(pattern.findall(en)), key


def test_message_keys_used_in_code_exist() -> None:
    known = set(catalogue("zh_CN"))
    used: set[str] = set()
    call = re.compile(
        r"""(?:translate|_t|InvalidInput|NotFound|Conflict|Forbidden|Unauthenticated|TooLarge|fail)\(\s*"([a-z_]+(?:\.[a-z0-9_]+)+)"""
    )
    for path in SRC.rglob("*.py"):
        used.update(call.findall(path.read_text(encoding="utf-8")))
    assert used - known == set()


def test_language_negotiation() -> None:
    assert normalise_language("en-US,en;q=0.9") == "en"
    assert normalise_language("zh-TW") == "zh_CN"
    assert normalise_language(None) == "zh_CN"
    assert translate("auth.password_too_short", "en", min=8).endswith("8 characters")
