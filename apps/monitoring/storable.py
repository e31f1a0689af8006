"""Text that both databases can store, checked the same way on both.

PostgreSQL refuses a NUL character (U+0000) in text and the write fails with a 500, while
SQLite stores it; neither driver can encode a lone surrogate (U+D800 to U+DFFF, which JSON's
``\\ud800`` escapes can produce). Every way in (API bodies, query strings and paths, imports,
websocket paths) asks ``text_problem`` and refuses such text as the client's mistake, naming
the field, whatever the database. (Django's form fields already refuse NUL in the admin.)"""


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored, or None when it can."""
    if "\x00" in value:
        return "contains a NUL character (\\u0000), which cannot be stored"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (invalid Unicode), which cannot be stored"
    return None
