"""Documentation is tested as code: every setting and CLI command is documented."""

from pathlib import Path

from manara.settings import Settings

ROOT = Path(__file__).parent.parent


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "settings.md").read_text()
    missing = [name for name in Settings.model_fields if f"MANARA_{name.upper()}" not in doc]
    assert missing == []


def test_readme_shows_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme


def test_every_cli_group_is_in_the_readme() -> None:
    from manara.cli.main import app

    readme = (ROOT / "README.md").read_text()
    groups = [g.name for g in app.registered_groups] + [c.name or c.callback.__name__ for c in app.registered_commands]
    assert [g for g in groups if f"manara {g}" not in readme] == []
