from __future__ import annotations

import getpass
import sys
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction


class Command(BaseCommand):
    help = "Make an account. The password is read from stdin when stdin is not a terminal."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="Display name")
        parser.add_argument(
            "--admin", action="store_true", help="Make the account an administrator"
        )

    def handle(self, *args: Any, email: str, name: str, admin: bool, **options: Any) -> None:
        User = get_user_model()
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"There is already an account for {email}.")
        password = self._password()
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        with transaction.atomic():
            user = User.objects.create_user(username=email[:150], email=email, password=password)
            user.is_staff = user.is_superuser = admin
            user.save()
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
            if name:
                from stridewell.accounts.models import Profile

                Profile.objects.filter(pk=Profile.objects.for_user(user).pk).update(
                    display_name=name
                )
        self.stdout.write(f"Account made for {email}.")

    def _password(self) -> str:
        if not sys.stdin.isatty():
            return sys.stdin.readline().rstrip("\n")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
