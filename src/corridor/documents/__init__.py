"""The transit accompanying document: an A4 PDF with the movement's data, seals and
itinerary, and a QR code carrying the tlog-proof receipt of its release.

``service.accompanying_document`` makes it for the web (``GET /movements/{mrn}/document.pdf``)
and the CLI (``corridor document MRN``); ``pdf`` lays it out; ``qr`` draws the code.
"""
