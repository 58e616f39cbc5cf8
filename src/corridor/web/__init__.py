"""The people's interfaces: server-rendered pages (Jinja2 + htmx) under ``/ui``, in
English, Armenian, Azerbaijani, Russian and Turkish, one console per role, every page
with a JSON twin (``Accept: application/json``).

``corridor.web.routes.web_router()`` holds every route; the API's ``create_app``
includes it. Pages call the same services and the same domain checks as the API;
nothing here decides anything.

Importing this package imports nothing else: the CLI uses ``corridor.web.i18n`` for the
document's languages, and must not pay for FastAPI, the routes and the PDF library.
"""
