"""HTTP layer: Django views that parse requests and call the services."""
