"""Placeholder until this area is built."""

from flask import Blueprint

bp = Blueprint("letters", __name__)
