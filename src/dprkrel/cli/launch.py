"""The console script: `dprkrel` runs here.

A command line that `quick` reads completely is run at once, without importing Typer;
any other (help, --version, a usage error, ...) goes to the Typer app in `cli`. Both build
the same request for `commands.execute`, so the answer does not depend on which read it.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """The console-script entry point.

    Runs through `process.run`, which ends the process quietly on a closed output pipe, on
    Ctrl-C (exit 130) and on an internal error (one line, no traceback, no locals).
    """
    from dprkrel.cli.process import run

    run(_dispatch)


def _dispatch() -> int:
    from dprkrel.cli import quick

    if os.environ.get(quick.COMPLETE_VAR):
        reply = quick.complete(os.environ)
        if reply is not None:
            if reply.text is not None:
                print(reply.text)
            return reply.code
    else:
        request = quick.parse(sys.argv[1:])
        if request is not None:
            from dprkrel.cli.run import execute

            return execute(request)
    from dprkrel.cli.app import app

    app(prog_name="dprkrel")  # ends the process with its exit code
    return 0
