"""The script `dermsim serve` gives to `streamlit run`: the page settings and the navigation between pages."""

import importlib

import streamlit as st

from dermsim.web import PAGES

st.set_page_config(page_title="dermsim", layout="wide")
pages = [st.Page(importlib.import_module(module).render, title=title, url_path=path, default=(i == 0))
         for i, (path, (module, title)) in enumerate(PAGES.items())]
st.navigation(pages).run()
