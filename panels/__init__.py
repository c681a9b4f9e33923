"""Citizen panels: the web feature for the two-stage lottery and deliberation."""
