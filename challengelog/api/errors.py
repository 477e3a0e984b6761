"""Every answer from /api/ is JSON: errors carry a message in words and the right status."""

from rest_framework.views import exception_handler

from challengelog.accounts.access import json_error


def handle(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's handler500 answers, in JSON for /api/
    data = response.data
    if isinstance(data, dict) and "detail" in data:
        response.data = {"error": str(data["detail"]), "status": response.status_code}
    else:  # field errors: {"field": ["message"]}
        response.data = {
            "error": "The request has mistakes: see fields",
            "fields": data,
            "status": response.status_code,
        }
    return response


def server_error(request):
    """A server error: JSON for the API, the ordinary page elsewhere."""
    if request.path.startswith("/api/"):
        return json_error(500, "Something went wrong on the server: it has been logged")
    from django.views.defaults import server_error as page

    return page(request)
