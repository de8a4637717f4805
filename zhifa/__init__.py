"""Zhifa (执法): administrative enforcement management and supervision."""
