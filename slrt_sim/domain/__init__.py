"""Domain layer: what SLRT is, independent of any simulation engine or UI.

``scenario`` (the YAML schema), ``calendar`` (working days), ``programs`` (the
programmes and their eligibility rules: the single source of truth), ``identity``
and ``population`` (synthetic households, people and their DTKS records).
Imports nothing from the layers above (model, experiments, training, apps, cli).
"""
