"""The register list: each filter, keyset paging, and the case page's public fields."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portal.cases.models import Case
from portal.cases.workflow import Outcome, State
from portal.extensions import db
from portal.organisations.models import EntityKind, SupplyChainEntity
from portal.transparency import queries

REFERENCE = re.compile(r">(MC-\d{4}-\d{5,})<")


def listed(client, query: str = "") -> set[str]:
    return set(REFERENCE.findall(client.get(f"/en/register?{query}").get_data(as_text=True)))


@pytest.fixture
def varied(app, world, make_case):
    """Cases that differ in one attribute each from the plain one (and the world's case, MC-…-00001)."""
    with app.app_context():
        mine = SupplyChainEntity(name="Kipushi mine", kind=EntityKind.MINE, country="CD", region="CD-HK")
        db.session.add(mine)
        db.session.commit()
        return {
            "plain": make_case(),
            "dialogue": make_case(state=State.DIALOGUE),
            "asking": make_case(state=State.INFO_REQUESTED, state_before_question=State.DIALOGUE),
            "forced": make_case(categories=("forced_labour",)),
            "tin": make_case(commodity="tin"),
            "peru": make_case(country="PE"),
            "mine": make_case(entity_ids=(mine.id,)),
            "old": make_case(created=datetime(2024, 5, 2, tzinfo=UTC)),
            "settled": make_case(state=State.DECIDED, outcome=Outcome.SETTLED),
            "mine_id": mine.id,
        }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stage=dialogue", {"dialogue", "asking"}),
        ("category=forced_labour", {"forced"}),
        ("commodity=tin", {"tin"}),
        ("country=PE", {"peru"}),
        ("year=2024", {"old"}),
        ("outcome=settled", {"settled"}),
        ("stage=dialogue&category=forced_labour", set()),
    ],
)
def test_each_filter_keeps_exactly_the_matching_cases(client, varied, query, expected):
    assert listed(client, query) == {varied[name] for name in expected}


def test_the_site_filter(client, varied):
    assert listed(client, f"entity={varied['mine_id']}") == {varied["mine"]}


def test_unknown_filter_values_are_ignored(client, varied, world):
    everything = listed(client)
    assert world.reference in everything and len(everything) == 10
    assert listed(client, "stage=nope&country=123&year=abc&outcome=<x>&entity=-1") == everything


def test_keyset_paging_visits_every_case_once(app, client, varied, world):
    with app.app_context():
        seen, before = [], None
        while True:
            rows, before = queries.listing(queries.RegisterFilters(), before, size=3)
            seen += [row.reference for row in rows]
            if before is None:
                break
        assert len(seen) == len(set(seen)) == 10
    page = client.get("/en/register").get_data(as_text=True)
    assert "Next page" not in page  # 10 cases fit one page of 25


def test_the_list_is_two_queries_whatever_the_number_of_rows(app, client, varied):
    from sqlalchemy import event

    statements = []
    with app.app_context():

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            client.get("/en/register")
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    # the rows (with their probe) and their categories; nothing per row
    assert len([s for s in statements if "FROM cases" in s or "FROM case_categories" in s]) == 2
    assert len(statements) <= 4  # and the site choices (and, at most, the session's user)


def test_the_case_page_shows_the_public_fields_and_sites_with_identifiers(client, app, varied):
    with app.app_context():
        site = db.session.get(SupplyChainEntity, varied["mine_id"])
        site.os_id = "CD2024123ABCDEF"
        db.session.commit()
    page = client.get(f"/en/register/{varied['mine']}").get_data(as_text=True)
    assert "Kipushi mine" in page and "CD2024123ABCDEF" in page and "CD-HK" in page
    assert "dates are shown to the month" in page
    assert client.get("/en/register/MC-2026-99999").status_code == 404
    assert client.get("/en/register/not-a-reference").status_code == 404


def test_the_page_of_a_case_names_its_related_cases(client, app, world, make_case):
    with app.app_context():
        site_id = db.session.scalar(select(SupplyChainEntity.id))
        other = make_case(entity_ids=(site_id,))
        case = db.session.scalar(select(Case).where(Case.reference == world.reference))
        assert queries.public_record(case.reference).related == [other]


def test_the_case_page_shows_commitment_statuses_but_not_their_terms(client, app, world, make_case):
    from datetime import date

    from portal.cases.commitments import Commitment, CommitmentCheck

    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == world.reference))
        commitment = Commitment(
            case_id=case.id, amount_minor=50000, currency="USD", due_on=date(2027, 3, 15),
            created_by_id=world.users["chair"],
            checks=[CommitmentCheck(status="partly_met", checked_by_id=world.users["chair"])],
        )  # fmt: skip
        commitment.what = "Pay Mr Kabila his wages"
        db.session.add(commitment)
        db.session.commit()
    page = client.get(f"/en/register/{world.reference}").get_data(as_text=True)
    assert "Payment" in page and "March 2027" in page and "Partly met" in page
    assert "Kabila" not in page and "50000" not in page and "500.00" not in page


def test_a_huge_number_in_a_filter_is_ignored_not_a_crash(client, varied):
    assert client.get("/en/register?entity=" + "9" * 100_000).status_code == 200
    assert client.get("/en/register?year=" + "2" * 5000 + "&before=" + "1" * 5000).status_code == 200


def test_a_register_page_seen_before_is_answered_without_reading_the_cases_again(app, client, varied):
    from sqlalchemy import event

    first = client.get("/en/register?commodity=tin").get_data(as_text=True)
    statements = []
    with app.app_context():

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            again = client.get("/en/register?commodity=tin").get_data(as_text=True)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert again == first and varied["tin"] in again
    assert not [s for s in statements if "FROM cases" in s]  # only the register's version was read
