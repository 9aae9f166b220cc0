"""gunicorn settings for `make run` and production."""

import os
import re

from gunicorn.glogging import Logger

# Rate limits held in memory:// are per process: with two workers a limit of 5 a minute lets up to 10 through.
# So the embedded default runs ONE worker (with more threads); several workers need a shared limiter storage,
# RATELIMIT_STORAGE_URI=redis://... in production (README "Production"). The hooks below enforce it even when
# the worker count comes from the command line (-w), which overrides this file.
_STORAGE = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
_LIMITS_ON = os.environ.get("RATELIMIT_ENABLED", "1").strip().lower() in {"1", "true", "yes", "on"}
LIMITS_NEED_ONE_PROCESS = _LIMITS_ON and _STORAGE.startswith("memory://")

workers = 1 if LIMITS_NEED_ONE_PROCESS else int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8" if LIMITS_NEED_ONE_PROCESS else "4"))
timeout = 60
# No client address and no user agent in the access log (docs/architecture.md §8):
# time, request line, status, size, duration.
accesslog = "-"
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def _one_process_for_memory_limits(server):
    wanted = int(os.environ.get("WEB_CONCURRENCY", "2"))
    if LIMITS_NEED_ONE_PROCESS and max(server.num_workers, wanted) > 1:
        server.log.warning(
            "Running 1 worker with %s threads, not %s workers: rate limits in memory:// are counted per worker. "
            "Set RATELIMIT_STORAGE_URI=redis://... to run several.",
            server.cfg.threads,
            max(server.num_workers, wanted),
        )
        server.num_workers = 1


def on_starting(server):
    _one_process_for_memory_limits(server)


def on_reload(server):
    _one_process_for_memory_limits(server)


# IPv4, IPv6 (two colons or more) and gunicorn's own "ip=..." prefix.
_ADDRESS = re.compile(
    r"ip=\S*"
    r"|\b\d{1,3}(?:\.\d{1,3}){3}\b"
    r"|(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])"
)


class AddressFreeLogger(Logger):
    """gunicorn's error log without client addresses: it names the client of a malformed request, even on the
    public routes where people file grievances (docs/architecture.md §8)."""

    @staticmethod
    def _scrub(msg, args) -> str:
        text = str(msg) % args if args else str(msg)
        return _ADDRESS.sub("[address]", text)

    def critical(self, msg, *args, **kwargs):
        super().critical(self._scrub(msg, args), **kwargs)

    def error(self, msg, *args, **kwargs):
        super().error(self._scrub(msg, args), **kwargs)

    def warning(self, msg, *args, **kwargs):
        super().warning(self._scrub(msg, args), **kwargs)

    def info(self, msg, *args, **kwargs):
        super().info(self._scrub(msg, args), **kwargs)

    def debug(self, msg, *args, **kwargs):
        super().debug(self._scrub(msg, args), **kwargs)

    def exception(self, msg, *args, **kwargs):
        super().exception(self._scrub(msg, args), **kwargs)

    def log(self, lvl, msg, *args, **kwargs):
        super().log(lvl, self._scrub(msg, args), **kwargs)


logger_class = AddressFreeLogger
