"""``python -m overland``: the same as the ``overland`` command."""

from overland.cli.app import main

main()
