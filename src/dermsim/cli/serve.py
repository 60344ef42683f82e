"""`dermsim serve`: the lab in a browser (the Streamlit app of `dermsim.web`) on this machine.

It becomes ``python -m dermsim.web.server``, i.e. ``streamlit run dermsim/web/app.py`` headless, with usage
statistics off, on 127.0.0.1 unless told otherwise, after starting the warm-up of the pages' opening runs.
"""

from __future__ import annotations

import typer


def serve(port: int = typer.Option(8501, "--port", help="port to listen on"),
          host: str = typer.Option("127.0.0.1", "--host", help="address to listen on (default: this machine only)")):
    """Start the web app (permeation, microneedle treatment, epidermal renewal pages); Ctrl-C stops it."""
    import os
    import socket
    import sys

    from dermsim.cli.common import fail

    if not 1 <= port <= 65535:
        fail(f"--port: got {port}; allowed: a port from 1 to 65535")
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host, port))
    except OSError as exc:
        fail(f"--port: got {port}; allowed: a free port on {host} ({exc.strerror})")
    import importlib.util

    if importlib.util.find_spec("streamlit") is None:
        fail("serve: streamlit is not installed; allowed: `pip install streamlit` (a dependency of dermsim)")
    typer.echo(f"dermsim: serving on http://{host}:{port} (Ctrl-C stops it)", err=True)
    argv = [sys.executable, "-m", "dermsim.web.server", "--server.address", host, "--server.port", str(port),
            "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
            "--global.developmentMode", "false", "--client.toolbarMode", "viewer"]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, argv)            # the server replaces this process: its pid, its Ctrl-C
