"""The home page and the module library, where logged-in users land and sessions start."""
