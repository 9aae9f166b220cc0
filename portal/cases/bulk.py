"""Bulk actions on a selection of the case list: assign an officer, add a tag, acknowledge.

Nothing here is a shortcut: each case goes through the same guard and the same operation as on its own page
(``access.can_manage`` + ``casework.assign_officer``; ``tags.add_tag``; ``access.can_take`` +
``operations.take_action``), each audited by the operation's own signal. A case that is refused does not stop the
others: each runs in its own savepoint, and the result says, case by case, what was done and why not.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField
from wtforms.validators import InputRequired, Optional, ValidationError

from portal.cases import access, casework, labels, queries
from portal.cases.forms import keyed_pairs
from portal.cases.models import Case
from portal.cases.operations import ActionInput, take_action
from portal.cases.refusals import CaseworkRefused
from portal.cases.tags import Tag, add_tag
from portal.cases.workflow import Action, InvalidTransition
from portal.core.forms import CHOOSE_ONE, QuickSelect, options
from portal.core.roles import Role
from portal.extensions import db
from portal.users.models import User

MAX_SELECTION = 200


class BulkAction(StrEnum):
    ASSIGN = "assign"
    TAG = "tag"
    ACKNOWLEDGE = "acknowledge"


REASONS = {
    **labels.CASEWORK_REASONS,
    "not_visible": _l("This case does not exist or you may not see it."),
    "not_now": _l("This step is not possible for this case now."),
    "tagged_already": _l("The case already had this tag."),
    "tag_label_required": _l("Give at least the English label."),
    "filter_name_required": _l("Give the filter a name."),
    "too_many_filters": _l("You have saved as many filters as you can. Delete one first."),
}


@dataclass(frozen=True)
class Result:
    reference: str
    done: bool
    reason: str | None = None  # a key of REASONS or of labels.GUARD_REASONS

    @property
    def why(self) -> str:
        if self.reason is None:
            return ""
        return str(REASONS.get(self.reason) or labels.GUARD_REASONS.get(self.reason) or self.reason)


def apply(
    actor: User, references: list[str], action: BulkAction, officer: User | None = None, tag: Tag | None = None
) -> list[Result]:
    """Apply ``action`` to every case of ``references`` the actor may see; one result per reference asked for."""
    wanted = list(dict.fromkeys(references))[:MAX_SELECTION]
    found = {
        case.reference: case for case in db.session.scalars(queries.visible_to(actor).where(Case.reference.in_(wanted)))
    }
    results = []
    for reference in wanted:
        case = found.get(reference)
        if case is None:  # recused, off the panel, or no such case: the same answer, nothing said about it
            results.append(Result(reference, False, "not_visible"))
            continue
        savepoint = db.session.begin_nested()
        try:
            done = _one(case, actor, action, officer, tag)
        except CaseworkRefused as refused:
            savepoint.rollback()
            results.append(Result(reference, False, refused.reason))
        except InvalidTransition as refused:
            savepoint.rollback()
            results.append(Result(reference, False, (refused.reasons or ("not_now",))[0]))
        else:
            savepoint.commit()
            results.append(Result(reference, done, None if done else "tagged_already"))
    return results


def _one(case: Case, actor: User, action: BulkAction, officer: User | None, tag: Tag | None) -> bool:
    if action == BulkAction.ASSIGN:
        if not access.can_manage(case, actor):
            raise CaseworkRefused("case_closed" if not case.is_open else "not_now")
        casework.assign_officer(case, officer, actor)
        return True
    if action == BulkAction.TAG:
        assert tag is not None
        return add_tag(case, tag, actor)
    if not access.can_take(case, actor, Action.ACKNOWLEDGE):
        raise CaseworkRefused("case_closed" if not case.is_open else "not_now")
    take_action(case, Action.ACKNOWLEDGE, actor, actor.account_role, given=ActionInput())
    return True


def officers() -> list[tuple[int, str]]:
    """The officers a selection may be assigned to, as (id, name): the choices of the bulk form (whole accounts,
    loaded on every list page, were a tenth of its time)."""
    stmt = select(User.id, User.name).where(User.role == Role.SECRETARIAT, User.active).order_by(User.name)
    return [(user_id, name) for user_id, name in db.session.execute(stmt)]


class BulkForm(FlaskForm):
    """The list's selection form: the cases are the ``case`` checkboxes of the table inside it."""

    action = SelectField(
        _l("With the selected cases"),
        choices=options([(BulkAction.ASSIGN.value, _l("Assign to an officer")), (BulkAction.TAG.value, _l("Add a tag")),
                         (BulkAction.ACKNOWLEDGE.value, _l("Acknowledge"))]),
        validators=[InputRequired(CHOOSE_ONE)],
        id="bulk-action",
    )  # fmt: skip
    # Their own ids: the list's filter form on the same page has a "tag" field too.
    officer = SelectField(
        _l("Officer"), validators=[Optional()], validate_choice=False, widget=QuickSelect(), id="bulk-officer"
    )
    tag = SelectField(_l("Tag"), validators=[Optional()], validate_choice=False, widget=QuickSelect(), id="bulk-tag")

    def __init__(self, people: list[tuple[int, str]], tag_labels: list[tuple[int, str]], *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The lists themselves are the keys, with the words of their first option ("Nobody", in the reader's
        # language): the form renders once per language and list of people and of tags (staff list).
        keyed_pairs(self.officer, "officers", _("Nobody"), people)
        keyed_pairs(self.tag, "tags", _("Choose a tag"), tag_labels)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.action.data == BulkAction.TAG and not self.tag.data:  # Optional() stops the field's own check
            self.tag.errors = [*self.tag.errors, _("Choose the tag to add.")]
            return False
        return valid

    def validate_tag(self, field) -> None:
        if field.data and field.data not in {choice.value for choice in field.iter_choices()}:
            raise ValidationError(str(CHOOSE_ONE))

    def validate_officer(self, field) -> None:
        if field.data and field.data not in {choice.value for choice in field.iter_choices()}:
            raise ValidationError(str(CHOOSE_ONE))
