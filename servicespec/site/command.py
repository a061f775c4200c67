"""`servicespec site` and `servicespec serve` as plain functions: an exit code back.

Exit codes: 0 the site was written (findings in the specs do not fail it: showing them is the
site's job); 2 a usage problem (no spec found, an output folder that is not a site, a bad
configuration, a port in use).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..textutil import terminal_safe

if TYPE_CHECKING:
    from ..config import Config

EXIT_CLEAN, EXIT_ERROR = 0, 2


def _fail(message: str) -> int:
    click.echo(f"servicespec: error: {terminal_safe(message)}", err=True)
    return EXIT_ERROR


def _config(config_path: str | None) -> Config | None:
    from ..config import read_config

    return read_config(Path(config_path)) if config_path else None


def run_site(paths: Sequence[str], *, output: str, config_path: str | None = None) -> int:
    from ..config import ConfigError
    from .build import SiteError, build_site

    try:
        built = build_site(paths, output, config=_config(config_path))
    except (SiteError, ConfigError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot write the site to {output}: {exc}")
    index = os.path.join(output, "index.html")
    click.echo(terminal_safe(f"wrote {index}: {built.summary} shown"))
    return EXIT_CLEAN


def _stop_on_sigterm() -> None:
    """`kill` stops the server as Ctrl-C does: through `finally`, so the builds are removed."""
    import signal
    import sys
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))


def run_serve(paths: Sequence[str], *, port: int, config_path: str | None = None) -> int:
    from ..config import ConfigError
    from .build import SiteError
    from .serve import SiteServer

    try:
        _config(config_path)  # a bad configuration stops here; each build reads it again
        server = SiteServer(paths, port=port, config_file=config_path,
                            on_build=lambda m: click.echo(terminal_safe(m)))
    except (ConfigError, SiteError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc} (try --port 0 "
                     "for any free port)")
    try:
        # from here on a stop (Ctrl-C, `kill`) goes through `finally`: even one that comes
        # right after "serving" is printed removes the builds
        _stop_on_sigterm()
        server.start()
        click.echo(f"serving {server.url} (rebuilt when a spec is saved; Ctrl-C to stop)")
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.stop()
    return EXIT_CLEAN
