"""Ground shared by every part of the hall: the message catalog (i18n), the devices' HTTP client
(``hall_http``, its errors in ``hall_errors``) and the SSE client.

It imports only the standard library (and httpx for the two clients), so the server, the
kiosk, the pages, the bridges and the hardware drivers can all use it without importing
each other.
"""
