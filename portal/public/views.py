from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, url_for

from portal.core.i18n import negotiate_locale
from portal.core.page_cache import cached_page
from portal.core.routing import locale_blueprint
from portal.public.procedure import feedback_stage, glossary, procedure_stages, timeline, urgent_stage

root = Blueprint("root", __name__)
public = locale_blueprint("public", __name__)


@root.get("/")
def index():
    response = redirect(url_for("public.landing", locale=negotiate_locale()))
    response.headers["Vary"] = "Accept-Language"
    return response


@public.get("/")
def landing():
    clocks = current_app.extensions["portal_clocks"]
    return cached_page(lambda: render_template("public/landing.html", clocks=clocks))


@public.get("/procedure")
def procedure():
    clocks = current_app.extensions["portal_clocks"]

    def render():
        words = glossary()
        return render_template(
            "public/procedure.html",
            clocks=clocks,
            stages=procedure_stages(clocks),
            urgent=urgent_stage(clocks),
            feedback=feedback_stage(clocks),
            timeline=timeline(clocks, g.locale),
            glossary=words,
            word_names={key: word for key, (word, _meaning) in words.items()},
        )

    return cached_page(render)


@public.get("/privacy")
def privacy():
    return cached_page(lambda: render_template("public/privacy.html"))
