"""The ``stridewell`` command: a thin door into the management commands, ours listed first."""

from __future__ import annotations

import os
import sys

OUR_COMMANDS = {
    "serve": "Serve the app and its background worker (stridewell serve --port 8000)",
    "adduser": "Make an account (password from stdin when it is not a terminal)",
    "token": "Print a new API token for a user",
    "import": "Import files, folders, zips and Strava exports for a user",
    "runs": "List a user's runs (--json for the API's objects)",
    "export": "Write a user's export zip",
    "insights": "What running does for a user, each question answered (--json)",
    "experiment": "A personal randomised experiment: status, start ARM_A ARM_B --weeks N, stop",
    "report": "A PDF report for a doctor or therapist (--start --end --out)",
    "due_work": "Every reminder, digest and summary that is due (--every SECONDS to loop)",
}


def print_help() -> None:
    print("usage: stridewell COMMAND [options]\n\nStridewell commands:")
    for name, text in OUR_COMMANDS.items():
        print(f"  {name:<10} {text}")
    print(
        "\nEvery Django management command works too (stridewell migrate, stridewell shell, ...):"
    )
    from django.core.management import get_commands

    others = sorted(name for name in get_commands() if name not in OUR_COMMANDS)
    print("  " + ", ".join(others))
    print("\nstridewell COMMAND --help shows a command's options.")


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stridewell.settings")
    argv = list(sys.argv if argv is None else argv)
    import django

    django.setup()
    if len(argv) < 2 or argv[1] in ("-h", "--help", "help"):
        print_help()
        return 0
    from django.core.management import execute_from_command_line

    execute_from_command_line(["stridewell", *argv[1:]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
