from __future__ import annotations

from django.conf import settings
from django.core.management import call_command

from stridewell.lib.commands import RepeatingCommand

# The due-work commands, and whether they only mail (so need EMAIL_HOST).
DUE_WORK = {
    "send_reminders": True,
    "send_weekly_summaries": True,
    "notification_digest": True,
    "plan_reminders": True,
    "group_run_reminders": False,  # in-app notifications
    "quiet_buddies": False,  # in-app notifications
    "recover_imports": False,  # imports whose worker died are queued again
}


class Command(RepeatingCommand):
    help = (
        "Run every reminder, digest and summary that is due, in one process "
        "(`stridewell serve` starts it with --every 300)."
    )

    def run_once(self) -> str:
        names = [name for name, mails in DUE_WORK.items() if settings.EMAIL_HOST or not mails]
        for name in names:
            call_command(name, stdout=self.stdout)
        return f"Due work done: {', '.join(names)}."
