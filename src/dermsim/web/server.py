"""The process `dermsim serve` becomes: warm the cache in a background thread, then run Streamlit on the app.

``python -m dermsim.web.server <streamlit options>`` is ``streamlit run dermsim/web/app.py <options>`` in a
process that first starts `dermsim.web.shared.warm_up`: the app runs in this process, so the opening scenarios
are in its cache (and the chemical databases loaded) by the time a browser asks for them.
"""

from __future__ import annotations

import sys
import threading


def main(options: list[str]) -> None:
    from streamlit.web import cli

    from dermsim.web import APP
    from dermsim.web.shared import warm_up

    threading.Thread(target=warm_up, name="dermsim-warm-up", daemon=True).start()
    sys.argv = ["streamlit", "run", str(APP), *options]
    sys.exit(cli.main())


if __name__ == "__main__":
    main(sys.argv[1:])
