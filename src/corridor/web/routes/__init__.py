"""The routers of the web pages (all under /ui, none in the OpenAPI document) and the
accompanying document (``GET /movements/{mrn}/document.pdf``)."""
