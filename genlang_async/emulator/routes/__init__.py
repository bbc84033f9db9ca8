"""API route modules; importing one registers its handlers in ``ROUTES``."""
