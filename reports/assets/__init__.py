"""Package data of the HTML report: report.css and report.js, inlined into every index.html.

They live here as files (not strings in reports/html.py) so they can be read, linted and reviewed as
CSS and JavaScript; they are inlined rather than copied beside the page so one forwarded index.html
still works offline, with nothing loaded from anywhere.
"""
