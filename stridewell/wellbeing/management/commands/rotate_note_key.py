from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stridewell.lib.crypto import generate_key
from stridewell.wellbeing.models import CheckIn, SafetyPlan
from stridewell.wellbeing.notes import cipher


class Command(BaseCommand):
    help = "Re-encrypt every private note and safety plan and safety plan with the first key of STRIDEWELL_NOTE_KEYS (--new-key prints a fresh key)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new-key", action="store_true", help="Only print a new random key")

    def handle(self, *args: Any, new_key: bool, **options: Any) -> None:
        if new_key:
            self.stdout.write(generate_key())
            return
        current = cipher().current_key_id
        moved = 0
        # Every encrypted column: check-in notes and safety plans.
        for model, column in ((CheckIn, "note_ciphertext"), (SafetyPlan, "content_ciphertext")):
            rows = model.objects.exclude(**{column: ""}).values_list("pk", column)
            for pk, token in rows.iterator(chunk_size=500):
                if token.split(":")[1] != current:
                    model.objects.filter(pk=pk).update(**{column: cipher().reencrypt(token)})
                    moved += 1
        self.stdout.write(f"{moved} note(s) re-encrypted with key {current}.")
