"""The ``fctheory`` command line: thin argparse subcommands over the library.

Each subcommand lives in its own module ``fctheory.cli.<name>`` exposing
``register(subparsers)``; :mod:`fctheory.cli.main` wires them together.
"""
