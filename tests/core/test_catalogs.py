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


def _translations(tmp_path, template: Catalog, catalogs_by_locale: dict):
    with open(tmp_path / "messages.pot", "wb") as handle:
        write_po(handle, template)
    for locale, catalog in catalogs_by_locale.items():
        folder = tmp_path / locale / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with open(folder / "messages.po", "wb") as handle:
            write_po(handle, catalog)
    return tmp_path


def test_check_all_finds_a_stale_template_and_a_missing_catalog(tmp_path):
    template = _template()
    french = {"Case %(reference)s": "Dossier %(ref)s", ("%(num)d day", "%(num)d days"): ("%(num)d jour", "%(num)d j")}
    translations = _translations(tmp_path, template, {"fr": _catalog("fr", french)})
    code = Catalog()
    code.add("A string the code marks since")

    problems = catalogs.check_all(translations, template=code)

    assert str(problems[0]) == "messages.pot: is stale: the code marks other strings (run make messages)"
    missing = {problem.where for problem in problems if problem.what == "catalog missing"}
    assert missing == set(catalogs.LOCALES) - {catalogs.DEFAULT_LOCALE, "fr"}
    assert any(problem.where == "fr" and "placeholders" in problem.what for problem in problems)


def test_the_fresh_template_holds_strings_marked_in_code_and_in_templates():
    ids = catalogs._ids(catalogs.fresh_template())
    assert "Page not found" in ids  # portal/core/errors.py
    assert "Skip to content" in ids  # portal/templates/base.html


def test_main_fails_with_every_problem_listed_and_passes_when_clean(monkeypatch, capsys):
    monkeypatch.setattr(catalogs, "fresh_template", Catalog)
    monkeypatch.setattr(catalogs, "check_all", lambda template: [catalogs.Problem("fr", "fuzzy 'Case'")])
    assert catalogs.main() == 1
    assert capsys.readouterr().err.splitlines() == ["fr: fuzzy 'Case'", "1 catalog problem(s)"]

    monkeypatch.setattr(catalogs, "check_all", lambda template: [])
    assert catalogs.main() == 0
    assert capsys.readouterr().out == f"catalogs: {len(catalogs.LOCALES) - 1} locales complete\n"
