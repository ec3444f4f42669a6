"""What the tests and the benchmarks both use: the real bot and admin processes run against
the emulator, throw-away PostgreSQL databases, made-up ID numbers and photos."""
