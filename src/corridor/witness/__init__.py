"""A witness of a transparency log (C2SP tlog-witness), run by a state or a monitor.

``storage`` keeps the logs it follows and the latest checkpoint it cosigned for each,
in a SQLite file of its own; ``keys`` holds its cosigner key; ``server`` is the ASGI
app answering ``POST /add-checkpoint``. The logic itself is ``ledger.witness``.
"""
