"""Print the API's OpenAPI document: ``python -m corridor.api.openapi_document``.

The document kept in the repository (docs/openapi.json) is this output; a test checks
that it is current.
"""

from __future__ import annotations

import json

from corridor.api.app import create_app


def openapi_text() -> str:
    return json.dumps(create_app().openapi(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(openapi_text(), end="")
