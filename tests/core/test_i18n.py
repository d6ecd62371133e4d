from __future__ import annotations

import re
from pathlib import Path

from hazwatch.core.i18n import LANGUAGES, catalogue, normalise_language, translate

SRC = Path(__file__).resolve().parents[2] / "src" / "hazwatch"


def test_every_language_has_every_key() -> None:
    keys = {language: set(catalogue(language)) for language in LANGUAGES}
    assert keys["zh_CN"] == keys["en"], keys["zh_CN"] ^ keys["en"]


def test_no_key_is_defined_twice() -> None:
    """Catalogues are merged into one dict: a key written twice (in one file or two) keeps
    one of its texts silently, so the other place's wording never shows."""
    for language in LANGUAGES:
        seen: dict[str, str] = {}
        for path in sorted((SRC / "locale" / language).glob("*.po")):
            for key in re.findall(r'^msgid "(.+)"$', path.read_text(encoding="utf-8"), re.M):
                assert key not in seen, f"{key} in {seen.get(key)} and {path.name} ({language})"
                seen[key] = path.name


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
