from __future__ import annotations

from stridewell.lib.commands import RepeatingCommand
from stridewell.runs.tasks import recover_imports


class Command(RepeatingCommand):
    help = (
        "Queue again the imports whose worker died (quiet for STRIDEWELL_IMPORT_STALE_SECONDS); "
        "part of due_work."
    )

    def run_once(self) -> str:
        lines = recover_imports()
        return "\n".join([*lines, f"{len(lines)} stopped import(s) recovered."])
