"""Every environment variable the settings read is documented in the README."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_every_setting_is_documented():
    settings_py = (ROOT / "stridewell" / "settings.py").read_text()
    names = set(re.findall(r'(?:getenv|envbool|envint|envlist)\(\s*"([A-Z_]+)"', settings_py))
    assert len(names) > 15
    readme = (ROOT / "README.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert not missing, f"undocumented settings: {missing}"


def test_readme_gives_the_two_commands_first():
    readme = (ROOT / "README.md").read_text()
    assert readme.index("make run") < readme.index("## Command line")
    assert readme.index("make test") < readme.index("## Command line")
