"""Apps layer: the ipywidgets apps the notebooks show, and the landing page.

Widgets and layout only: every decision, rule and computation is called from the
layers below.
"""
