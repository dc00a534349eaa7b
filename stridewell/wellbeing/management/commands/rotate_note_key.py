from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stridewell.lib.crypto import generate_key
from stridewell.wellbeing.models import CheckIn
from stridewell.wellbeing.notes import cipher


class Command(BaseCommand):
    help = "Re-encrypt every private note with the first key of STRIDEWELL_NOTE_KEYS (--new-key prints a fresh key)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new-key", action="store_true", help="Only print a new random key")

    def handle(self, *args: Any, new_key: bool, **options: Any) -> None:
        if new_key:
            self.stdout.write(generate_key())
            return
        current = cipher().current_key_id
        moved = 0
        for checkin in CheckIn.objects.exclude(note_ciphertext="").iterator(chunk_size=500):
            if checkin.note_ciphertext.split(":")[1] != current:
                CheckIn.objects.filter(pk=checkin.pk).update(
                    note_ciphertext=cipher().reencrypt(checkin.note_ciphertext)
                )
                moved += 1
        self.stdout.write(f"{moved} note(s) re-encrypted with key {current}.")
