"""Text helpers of the clients app, shared by its services and selectors."""


def fold(text: str) -> str:
    """Return text case-folded with its white space collapsed, for matching names."""
    return " ".join(text.casefold().split())
