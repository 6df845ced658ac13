"""The API's routers: the catalog, stage hours, plans, and the page."""
