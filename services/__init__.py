"""The application layer: channel-neutral use cases over storage and dialogs."""
