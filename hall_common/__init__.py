"""Ground shared by every part of the hall: the message catalog (i18n) and the SSE client.

It imports only the standard library (and httpx for the SSE client), so the server, the
kiosk, the pages, the bridges and the hardware drivers can all use it without importing
each other.
"""
