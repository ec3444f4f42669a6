"""`python -m tg_emulator --port 8081`: serve the emulator until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .server import TelegramEmulator


async def _serve(args: argparse.Namespace) -> None:
    async with TelegramEmulator(
        host=args.host, port=args.port, bot_username=args.username, token=args.token
    ) as emu:
        print(emu.base_url, flush=True)
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tg_emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--username", default="honoree_test_bot", help="the bot's username")
    parser.add_argument("--token", help="accept only this token (default: any well-formed)")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()
