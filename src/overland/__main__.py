"""``python -m overland``: the same as the ``overland`` command."""

from overland.cli.app import main

if __name__ == "__main__":  # not when a worker process (Dask, multiprocessing) imports it
    main()
