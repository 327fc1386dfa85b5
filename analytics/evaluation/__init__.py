"""The pilot evaluation report (``/plan/evaluation/``): its figures
(``figures``), its charts as inline SVG (``charts``), its PDF (``pdf``), its
workbook (``workbook``) and its monthly e-mail (``mail``)."""
