"""Alerts after every run (issue 14): rules in a YAML file, evaluated against a run, stored once, delivered
through apprise.

One module per concern: `config` (the rules file, validated with file and line), `scope` (which
portals a rule watches, as a SQL clause), `kinds` (the registry of rule kinds, one small SQL evaluator
each), `message` (Vietnamese text, portal text escaped per service), `deliver` (apprise), `engine`
(evaluate, store with a dedupe key, deliver, retry), `records` (listing stored alerts).
"""
