"""What runs inside JupyterLab: showing results in a notebook, the assessment form and the workbench.

:mod:`.show` is what report notebooks call to show (escaped) tables, charts and
text and to record values; :mod:`.autosave` keeps answers safe as they are
given; :mod:`.form`, :mod:`.workbench` and :mod:`.picker` are the ipywidgets UI.
Import the widget modules directly: this package does not load ipywidgets itself.
"""
