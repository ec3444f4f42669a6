"""The phone web page: a second channel on services/, for people who will never use Telegram."""
