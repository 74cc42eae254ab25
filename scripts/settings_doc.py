"""Regenerate docs/settings.md from the Settings class: `python scripts/settings_doc.py > docs/settings.md`."""

import sys

from manara.settings import Settings

HEADER = """# Settings

Every setting is read from an environment variable with the `MANARA_` prefix (or from a `.env`
file in the working directory), once per process, through `manara.settings.get_settings()`.
With `MANARA_ENV=prod` the server refuses to start with the development secret key.
Dictionary settings take JSON, e.g. `MANARA_HIT_DEADLINE_MINUTES='{"red": 15}'`.

| variable | default | description |
|---|---|---|"""


def main() -> None:
    lines = [HEADER]
    for name, field in Settings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        if hasattr(default, "get_secret_value"):
            default = "(development value; required in prod)"
        lines.append(f"| `MANARA_{name.upper()}` | `{default}` | {field.description} |")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
