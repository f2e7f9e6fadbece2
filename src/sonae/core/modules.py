"""Optional-module discovery for the convention-based wiring of app URLs and API routers."""

from importlib.util import find_spec


def module_exists(name: str) -> bool:
    """True when ``name`` can be imported; False when it (or its parent package) does not exist."""
    try:
        return find_spec(name) is not None
    except ModuleNotFoundError:
        return False
