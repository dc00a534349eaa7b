"""Print the security headers and cookie flags a production instance sends.

Run by proof/security.sh with the production environment already set; it makes
one HTTPS request to the sign-in page through Django's test client (no server).
"""

from __future__ import annotations

import os

HEADERS = [
    "Content-Security-Policy",
    "Strict-Transport-Security",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stridewell.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    host = settings.ALLOWED_HOSTS[0]
    response = Client().get("/accounts/login/", secure=True, HTTP_HOST=host)
    print(f"GET https://{host}/accounts/login/ -> {response.status_code}")
    for name in HEADERS:
        print(f"  {name}: {response.headers.get(name, '(absent)')}")
    csrf = response.cookies.get(settings.CSRF_COOKIE_NAME)
    if csrf is not None:
        print(f"  csrftoken cookie: secure={bool(csrf['secure'])} samesite={csrf['samesite']}")
    print(
        f"  session cookie: secure={settings.SESSION_COOKIE_SECURE}"
        f" httponly={settings.SESSION_COOKIE_HTTPONLY} samesite={settings.SESSION_COOKIE_SAMESITE}"
    )
    print(f"  password hasher: {settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]}")
    print(f"  login lockout: {settings.ACCOUNT_RATE_LIMITS['login_failed']}")
    print(f"  API token failures per address per 10 min: {settings.API_TOKEN_FAILURES}")


if __name__ == "__main__":
    main()
