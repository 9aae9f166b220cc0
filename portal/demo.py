"""Demonstration data for ``make run`` (PORTAL_DEMO=1): the covenant's parties and a few grievances."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.cases.models import FilerType
from portal.extensions import db
from portal.intake import operations
from portal.intake.receipt import group_receipt
from portal.organisations.models import Organisation, OrganisationKind

PARTIES = [
    ("VNMI — Vereniging Nederlandse Metallurgische Industrie", OrganisationKind.INDUSTRY_ASSOCIATION),
    ("Eurometaux", OrganisationKind.INDUSTRY_ASSOCIATION),
    ("Century Aluminum Vlissingen B.V.", OrganisationKind.COMPANY),
    ("E-MAX Aluminium Profielen", OrganisationKind.COMPANY),
    ("Hunter Douglas Europe", OrganisationKind.COMPANY),
    ("Tata Steel Nederland", OrganisationKind.COMPANY),
    ("Uzimet", OrganisationKind.COMPANY),
    ("CNV", OrganisationKind.UNION),
    ("FNV", OrganisationKind.UNION),
    ("Global March against Child Labour", OrganisationKind.NGO),
    ("IUCN Nederland", OrganisationKind.NGO),
    ("Unicef Nederland", OrganisationKind.NGO),
    ("Minister for Foreign Trade and Development Cooperation", OrganisationKind.GOVERNMENT),
    ("State Secretary for Economic Affairs and Climate Policy", OrganisationKind.GOVERNMENT),
    ("Covenant secretariat", OrganisationKind.SECRETARIAT),
]

GRIEVANCES = [
    dict(
        locale="sw",
        filer_type=FilerType.AFFECTED_PERSON,
        country="CD",
        commodity="cobalt",
        categories=["child_labour", "health_safety"],
        children_involved=True,
        place="Kolwezi, Lualaba",
        description="Watoto wanafanya kazi kwenye ghala la kobalti usiku. Hakuna vifaa vya kujikinga na vumbi.",
    ),
    dict(
        locale="fr",
        filer_type=FilerType.NGO,
        country="GN",
        commodity="aluminium",
        categories=["land", "environment"],
        people_affected=40,
        place="Boké",
        description="Quarante familles ont perdu leurs champs à cause de l'extension de la mine de bauxite, "
        "sans consultation ni compensation. Les puits sont pollués par la poussière rouge.",
    ),
    dict(
        locale="id",
        filer_type=FilerType.UNION,
        country="ID",
        commodity="nickel",
        categories=["freedom_of_association", "retaliation"],
        retaliation_risk=True,
        place="Morowali, Sulawesi",
        description="Pengurus serikat pekerja di smelter nikel dipecat setelah melaporkan kecelakaan kerja.",
    ),
    dict(
        locale="pt_BR",
        filer_type=FilerType.WITNESS,
        country="BR",
        commodity="steel",
        categories=["wages_hours"],
        place="Minas Gerais",
        description="Trabalhadores terceirizados da mina de minério de ferro fazem turnos de 14 horas sem pagamento "
        "de horas extras.",
    ),
]


def load_demo_data(echo=print) -> None:
    if db.session.scalar(select(func.count()).select_from(Organisation)):
        echo("Demo data already present; nothing loaded.")
        return
    for name, kind in PARTIES:
        db.session.add(
            Organisation(name=name, kind=kind, covenant_party=kind != OrganisationKind.SECRETARIAT, verified=True)
        )
    receipts = []
    for item in GRIEVANCES:
        grievance = operations.GrievanceInput(
            anonymous=True,
            identity={},
            share_identity_with_company=False,
            companies=None,
            incident_date=None,
            incident_period=None,
            ongoing=True,
            desired_remedy=None,
            **{
                "people_affected": None,
                "children_involved": False,
                "retaliation_risk": False,
                **item,
            },
        )
        case, receipt = operations.submit_grievance(grievance, files=[])
        receipts.append((case, receipt))
    db.session.commit()
    echo("Demo data loaded. Receipts to try at /<locale>/follow-up:")
    for case, receipt in receipts:
        echo(f"  {case.reference} ({case.submission_locale}): {group_receipt(receipt)}")
