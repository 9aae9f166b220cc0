"""The covenant grievance portal."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.config import Config


def create_app(config_class: type[Config] = Config, **overrides) -> Flask:
    app = Flask(__name__, instance_path=str(config_class.INSTANCE_PATH))
    app.config.from_object(config_class)
    app.config.update(overrides)

    from portal.app import compose
    from portal.core import setup

    setup.load_configuration(app)
    setup.init_extensions(app)
    setup.register_request_hooks(app)
    compose(app)

    if app.config["TRUSTED_PROXIES"]:
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    return app
