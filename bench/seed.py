"""Seed a database with realistic synthetic grievances, fast (bulk inserts), encrypted as in production.

    python -m bench.seed --cases 100000

Cases are spread over every state, category, commodity, locale and a spread of countries, with about five
timeline entries each. Receipts of the first cases are written to ``bench/receipts.txt`` for the follow-up load.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import timedelta

from sqlalchemy import select

from portal.cases.committee import Decision
from portal.cases.models import Case, CaseCategory, CaseEntry, Category, Commodity, EntryKind, FilerType, Visibility
from portal.cases.workflow import FINAL_STATES, DecisionKind, State
from portal.core.crypto import keyring
from portal.core.db import utcnow
from portal.core.i18n import LOCALES
from portal.extensions import db
from portal.intake.receipt import new_receipt, receipt_hash
from portal.users.models import User

COUNTRIES = ["CD", "GN", "ID", "BR", "ZM", "PE", "CL", "NL", "IN", "ZA", "PH", "GH", "TZ", "KE", "MX", "CN"]
TEXT = (
    "Workers at the site report unpaid overtime, no protective equipment and threats against those who complain. "
    "Children are seen carrying ore at night. The river next to the plant has changed colour since spring."
)
BATCH = 2000
PROGRESS_EVERY = 50_000
# States a case reaches only once admitted: seeded with their admissibility decision, so the public register lists
# them (closed ones too, as if closed after monitoring).
ADMITTED_STATES = frozenset(
    {State.COMPANY_RESPONSE, State.DIALOGUE, State.ADJUDICATION, State.DECIDED, State.MONITORING, State.CLOSED}
)


def _signer() -> int:
    """The chair who signs the seeded decisions (created once)."""
    found = db.session.scalar(select(User.id).where(User.email == "bench-chair@example.org"))
    if found is None:
        chair = User(email="bench-chair@example.org", name="Bench chair", role="chair", password_hash="-")
        db.session.add(chair)
        db.session.commit()
        found = chair.id
    return found


def seed(cases: int, seed_value: int = 7, receipts_path: str | None = "bench/receipts.txt") -> float:
    started = time.perf_counter()
    rng = random.Random(seed_value)
    ring = keyring()
    start_year = utcnow().year
    counter = db.session.scalar(select(Case.id).order_by(Case.id.desc()).limit(1)) or 0
    states, locales = list(State), list(LOCALES)
    now = utcnow()
    receipts = []
    signer = _signer()
    # Encrypting costs ~20 µs a value; a few templates per batch keep seeding fast yet every row is real ciphertext.
    for batch_start in range(0, cases, BATCH):
        size = min(BATCH, cases - batch_start)
        case_rows, category_rows, entry_rows, decision_rows = [], [], [], []
        description = ring.encrypt(TEXT.encode())
        reasons = ring.encrypt(b"Within the covenant's scope.")
        body = ring.encrypt(b"A message in the timeline of this case.")
        for offset in range(size):
            number = counter + batch_start + offset + 1
            state = states[number % len(states)]
            created = now - timedelta(days=rng.randint(0, 1500), minutes=rng.randint(0, 1440))
            receipt = new_receipt()
            if len(receipts) < 2000:
                receipts.append(receipt)
            due = None if state in FINAL_STATES else created + timedelta(days=rng.randint(7, 120))
            case_rows.append(
                {
                    "id": number,
                    "reference": f"MC-{start_year}-{number:06d}",
                    "receipt_hash": receipt_hash(receipt),
                    "state": state.value,
                    "urgent": number % 11 == 0,
                    "suspended": False,
                    "filer_type": list(FilerType)[number % len(FilerType)].value,
                    "anonymous": True,
                    "share_identity_with_company": False,
                    "submission_locale": locales[number % len(locales)],
                    "country": COUNTRIES[number % len(COUNTRIES)],
                    "commodity": list(Commodity)[number % len(Commodity)].value,
                    "ongoing": False,
                    "description_encrypted": description,
                    "children_involved": number % 11 == 0,
                    "retaliation_risk": False,
                    "consented_at": created,
                    "rules_version": "2026.1",
                    "created_at": created,
                    "company_extension_used": False,
                    "monitoring_checks_done": 0,
                    "feedback_due_at": due,
                    "next_due_at": due,
                    "merged_into_id": number - 1 if state == State.MERGED else None,
                }
            )
            if state in ADMITTED_STATES:
                decision_rows.append(
                    {
                        "case_id": number,
                        "kind": DecisionKind.ADMISSIBILITY.value,
                        "admissible": True,
                        "reasons_encrypted": reasons,
                        "published": False,
                        "signed_by_id": signer,
                        "created_at": created + timedelta(days=2),
                    }
                )
            for category in rng.sample(list(Category), 2):
                category_rows.append({"case_id": number, "category": category.value})
            for index in range(rng.randint(3, 7)):
                entry_rows.append(
                    {
                        "case_id": number,
                        "kind": EntryKind.SUBMISSION.value if index == 0 else EntryKind.TO_COMPLAINANT.value,
                        "visibility": Visibility.COMPLAINANT.value if index % 2 == 0 else Visibility.INTERNAL.value,
                        "body_encrypted": None if index == 0 else body,
                        "created_at": created + timedelta(days=index),
                    }
                )
        # Core inserts of the tables (not the ORM's bulk path): executemany straight to the driver.
        connection = db.session.connection()
        connection.execute(Case.__table__.insert(), case_rows)
        connection.execute(CaseCategory.__table__.insert(), category_rows)
        connection.execute(CaseEntry.__table__.insert(), entry_rows)
        if decision_rows:
            connection.execute(Decision.__table__.insert(), decision_rows)
        db.session.commit()
        done = batch_start + size
        if done % PROGRESS_EVERY < BATCH or done == cases:  # a large seed takes minutes: say where it is
            print(f"seeding: {done:,} of {cases:,} cases, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            connection.exec_driver_sql("SELECT setval('cases_id_seq', (SELECT max(id) FROM cases))")
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    else:
        with db.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    if receipts_path:
        with open(receipts_path, "w") as handle:
            handle.write("\n".join(receipts) + "\n")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    from portal import create_app

    app = create_app()
    with app.app_context():
        seconds = seed(args.cases)
    print(f"seeded {args.cases} cases in {seconds:.1f} s")


if __name__ == "__main__":
    main()
