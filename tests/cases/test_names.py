"""Staff pages name countries and languages in the reader's language, never by their codes."""

from __future__ import annotations


def test_the_case_page_and_the_list_name_the_country_and_the_language(world, client_as):
    page = client_as("secretariat").get(f"/staff/cases/{world.reference}").get_data(as_text=True)
    assert "Congo - Kinshasa" in page and "<dd>CD" not in page
    assert "<dd>English</dd>" in page
    listed = client_as("secretariat").get("/staff/cases").get_data(as_text=True)
    assert "<td>Congo - Kinshasa</td>" in listed and "<td>CD</td>" not in listed
