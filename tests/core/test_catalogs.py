"""The catalog checker itself must catch a broken catalog, or CI's translation gate means nothing."""

from io import BytesIO

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from portal.core import catalogs


def _template() -> Catalog:
    template = Catalog()
    template.add("Case %(reference)s")
    template.add(("%(num)d day", "%(num)d days"))
    return template


def _catalog(locale: str, entries: dict, fuzzy=()) -> Catalog:
    catalog = Catalog(locale=locale)
    for msgid, string in entries.items():
        catalog.add(msgid, string, flags=["fuzzy"] if msgid in fuzzy else [])
    return catalog


def test_complete_catalog_passes():
    good = _catalog(
        "fr",
        {
            "Case %(reference)s": "Dossier %(reference)s",
            ("%(num)d day", "%(num)d days"): ("%(num)d jour", "%(num)d jours"),
        },
    )
    assert catalogs.check_catalog("fr", good, _template()) == []


def test_missing_untranslated_fuzzy_and_placeholder_errors_are_found():
    template = _template()
    missing = _catalog("fr", {"Case %(reference)s": "Dossier %(reference)s"})
    untranslated = _catalog(
        "fr", {"Case %(reference)s": "", ("%(num)d day", "%(num)d days"): ("%(num)d jour", "%(num)d jours")}
    )
    fuzzy = _catalog(
        "fr",
        {
            "Case %(reference)s": "Dossier %(reference)s",
            ("%(num)d day", "%(num)d days"): ("%(num)d jour", "%(num)d jours"),
        },
        fuzzy={"Case %(reference)s"},
    )
    wrong = _catalog(
        "fr", {"Case %(reference)s": "Dossier %(ref)s", ("%(num)d day", "%(num)d days"): ("jour", "jours")}
    )
    assert any("missing" in p.what for p in catalogs.check_catalog("fr", missing, template))
    assert any("untranslated" in p.what for p in catalogs.check_catalog("fr", untranslated, template))
    assert any("fuzzy" in p.what for p in catalogs.check_catalog("fr", fuzzy, template))
    assert any("placeholders" in p.what for p in catalogs.check_catalog("fr", wrong, template))


def test_chinese_may_drop_the_count_from_a_one_form_plural():
    zh = _catalog(
        "zh_Hans",
        {"Case %(reference)s": "案件 %(reference)s", ("%(num)d day", "%(num)d days"): ("%(num)d 天",)},
    )
    assert catalogs.check_catalog("zh_Hans", zh, _template()) == []


def test_stale_template_is_reported(tmp_path):
    (tmp_path / "messages.pot").write_bytes(_po_bytes(_template()))
    fresh = _template()
    fresh.add("A string added to the code")
    problems = catalogs.check_all(tmp_path, template=fresh)
    assert any(p.where == "messages.pot" for p in problems)


def test_real_catalogs_are_complete():
    assert catalogs.check_all() == []


def _po_bytes(catalog: Catalog) -> bytes:
    out = BytesIO()
    write_po(out, catalog)
    return out.getvalue()
