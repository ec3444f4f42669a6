"""Entry point of `honoree-admin` and `python -m admin_cli`."""

from admin_cli.app import app


def main() -> None:
    app()


if __name__ == "__main__":
    main()
