"""Fields whose text the complainant will read say so (issue 10, point 9b)."""

from __future__ import annotations

from portal.cases.forms import ActionForm
from portal.cases.workflow import TRANSITIONS, Action


def test_the_action_forms_say_the_complainant_reads_the_reasons(world, client_as):
    html = client_as("chair").get(f"/staff/cases/{world.reference}").get_data(as_text=True)
    for action in ("start_dialogue", "refer_to_adjudication"):
        assert TRANSITIONS[Action(action)].tells_complainant
        hint = f'<p class="hint" id="{action}-reasons-hint">'
        assert (
            hint + "The complainant reads these reasons (with the version in their language below, if you give one)."
        ) in html
        assert f'aria-describedby="{action}-reasons-hint"' in html
        assert (
            f'<p class="hint" id="{action}-reasons_translation-hint">If you give it, the complainant reads this '
            "version instead of the reasons above."
        ) in html
    assert '<p class="hint" id="request_info-message-hint">The complainant reads this question exactly' in html
    assert '<p class="hint" id="request_info-message_translation-hint">For staff only' in html
    # The message to the complainant and its working translation.
    assert '<p class="hint" id="text-hint">The complainant reads this message exactly as you write it.' in html
    assert '<p class="hint" id="translation-hint">For staff only: the complainant never sees it.' in html


def test_reasons_only_staff_read_say_so(app):
    with app.test_request_context():
        told = ActionForm(prefix="close", tells_complainant=True, meta={"csrf": False})
        untold = ActionForm(prefix="answer", tells_complainant=False, meta={"csrf": False})
        assert str(told.reasons.description).startswith("The complainant reads these reasons")
        assert str(untold.reasons.description) == "Only staff read these reasons."
        assert not untold.reasons_translation.description  # no version for the complainant to ask for
