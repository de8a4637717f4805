"""Enforcement cases. So far: the penalty procedure's periods and amount limits (rules.py)."""
