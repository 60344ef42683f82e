"""The lab in a browser: a Streamlit app (`dermsim serve`) with one page per question.

Pages build a scenario from their inputs and call the same `dermsim.simulate` as the CLI; they compute no physics.
``app.py`` is the script Streamlit runs; ``shared.py`` holds what the pages share (the cached run, one-line errors
beside their field, the scenario as TOML, the download bundle); each ``*_page.py`` has one page's ``render()``.
"""

from __future__ import annotations

from pathlib import Path

#: The script `streamlit run` is given.
APP = Path(__file__).with_name("app.py")

#: url path -> (module, title) of each page, in the order of the navigation.
PAGES = {"permeation": ("dermsim.web.permeation_page", "Permeation"),
         "microneedle": ("dermsim.web.microneedle_page", "Microneedle treatment"),
         "renewal": ("dermsim.web.renewal_page", "Epidermal renewal"),
         "many-skins": ("dermsim.web.studies_page", "Many skins"),
         "protocol": ("dermsim.web.protocol_page", "Treatment protocol")}
