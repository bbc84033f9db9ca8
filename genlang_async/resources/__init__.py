"""Resource namespaces (``client.models``, ``client.files``, ...); see ``_generated.py``."""
