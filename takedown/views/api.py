"""Placeholder until this area is built."""

from flask import Blueprint

bp = Blueprint("api", __name__)
