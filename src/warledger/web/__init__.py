"""The web pages: server-rendered (Jinja2) over the library functions the API uses, behind a
login form, a session cookie and CSRF tokens on every form."""
from .pages import install

__all__ = ["install"]
