"""Checks that keep the ten catalogs honest (run by ``make test`` as ``python -m portal.core.catalogs``).

- ``messages.pot`` must list exactly the strings the code marks today (else: run ``make messages``);
- every locale must translate every string, with nothing fuzzy;
- a translation must use exactly the placeholders of its source, or formatting breaks at run time.
"""

from __future__ import annotations

import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from portal.config import ROOT
from portal.core.i18n import DEFAULT_LOCALE, LOCALES

TRANSLATIONS = ROOT / "translations"
# The same options as "make messages" uses.
EXTRACT_OPTIONS = [
    "-F",
    str(ROOT / "babel.cfg"),
    "-k",
    "_l",
    "-k",
    "lazy_gettext",
    "--no-location",
    "--omit-header",
]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{(\w*)\}")


def placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text))


def _ids(catalog: Catalog) -> set:
    return {message.id if isinstance(message.id, str) else tuple(message.id) for message in catalog if message.id}


@dataclass
class Problem:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def check_catalog(locale: str, catalog: Catalog, template: Catalog) -> list[Problem]:
    problems = []
    wanted = _ids(template)
    have = _ids(catalog)
    for missing in sorted(wanted - have, key=str):
        problems.append(Problem(locale, f"missing {missing!r} (run make messages)"))
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else tuple(message.id)
        if key not in wanted:
            continue
        sources = [message.id] if isinstance(message.id, str) else list(message.id)
        string = message.string if message.string is not None else ""  # None: never translated
        strings = [string] if isinstance(string, str) else list(string)
        if message.fuzzy:
            problems.append(Problem(locale, f"fuzzy {sources[0]!r}"))
        if not all(strings):
            problems.append(Problem(locale, f"untranslated {sources[0]!r}"))
            continue
        # Every plural form may use the plural source's placeholders; a one-form language (zh) may drop %(num)d.
        allowed = set(placeholders(sources[-1])) | set(placeholders(sources[0]))
        for string in strings:
            found = set(placeholders(string))
            required = set(placeholders(sources[0])) - ({"%(num)d"} if len(sources) > 1 else set())
            if not found <= allowed or not required <= found:
                problems.append(
                    Problem(
                        locale,
                        f"placeholders {sorted(found)} differ from {sorted(allowed)} in {sources[0]!r}",
                    )
                )
    return problems


def fresh_template() -> Catalog:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "messages.pot"
        CommandLineInterface().run(["pybabel", "-q", "extract", *EXTRACT_OPTIONS, "-o", str(out), str(ROOT)])
        with open(out, "rb") as handle:
            return read_po(handle)


def check_all(translations: Path = TRANSLATIONS, template: Catalog | None = None) -> list[Problem]:
    with open(translations / "messages.pot", "rb") as handle:
        committed = read_po(handle)
    problems = []
    if template is not None and _ids(template) != _ids(committed):
        problems.append(Problem("messages.pot", "is stale: the code marks other strings (run make messages)"))
    for locale in LOCALES:
        if locale == DEFAULT_LOCALE:
            continue
        path = translations / locale / "LC_MESSAGES" / "messages.po"
        if not path.exists():
            problems.append(Problem(locale, "catalog missing"))
            continue
        with open(path, "rb") as handle:
            problems += check_catalog(locale, read_po(handle, locale=locale), committed)
    return problems


def main() -> int:
    problems = check_all(template=fresh_template())
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} catalog problem(s)", file=sys.stderr)
        return 1
    print(f"catalogs: {len(LOCALES) - 1} locales complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
