"""Jinja2 templates of the public pages (the customers' sign-up page), shipped as package data."""
