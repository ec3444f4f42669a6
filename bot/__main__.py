"""`honoree-bot run` starts long polling against HONOREE_TELEGRAM_API and the web page."""

from __future__ import annotations

import asyncio

import typer

from dialogs.texts import t
from storage.settings import Settings

cli = typer.Typer(add_completion=False, help=t("staff.help.bot"))


@cli.command()
def run(
    webhook: bool = typer.Option(False, help="serve a webhook instead of long polling"),
    demo: bool = typer.Option(False, help="open the demo committee and print its web links"),
    workers: int = typer.Option(1, min=1, help="webhook worker processes sharing one port"),
) -> None:
    """Start the bot and the web page (the web page alone, with a demo, without a token)."""
    from bot.app import run as run_bot

    if workers == 1:
        asyncio.run(run_bot(Settings(), webhook=webhook, demo=demo))
        return
    if not webhook:
        raise typer.BadParameter("--workers needs --webhook (one poller only)")
    from bot.workers import run_workers

    run_workers(workers)


@cli.callback()
def main_callback() -> None:
    """吉林省表彰人员统计登记机器人."""


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
