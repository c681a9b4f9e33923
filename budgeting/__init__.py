"""Participatory budgeting. The web feature lives in this package's modules; ``budgeting.rules``
is the pure counting engine and must stay importable without Flask."""
