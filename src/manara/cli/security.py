"""`manara keys rotate`: re-encrypt every stored secret under the newest server key (``manara.keyring``)."""

from __future__ import annotations

import typer

from manara.cli.common import cli_actor, console, handle_errors, session_scope
from manara.keyring import InvalidToken
from manara.member.actions import do_reencrypt_totp_secrets
from manara.training.actions import do_reencrypt_signing_keys


@handle_errors
def rotate() -> None:
    """Re-encrypt stored secrets (second-factor seeds, certificate-signing keys) under MANARA_SECRET_KEY.

    Run it after moving the old secret to MANARA_PREVIOUS_SECRET_KEYS and setting the new one; then the old
    secret can be dropped. Nothing is written unless every secret could be opened.
    """
    try:
        with session_scope() as session:
            actor = cli_actor()
            totp = do_reencrypt_totp_secrets(session, acting=actor)
            signing = do_reencrypt_signing_keys(session, acting=actor)
    except InvalidToken:
        console.print("error: a stored secret opens with none of the configured keys (add the old secret to "
                      "MANARA_PREVIOUS_SECRET_KEYS); nothing was changed")  # fmt: skip
        raise typer.Exit(1) from None
    typer.echo(f"re-encrypted {totp} second-factor secrets and {signing} certificate-signing keys")
