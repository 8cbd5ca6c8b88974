"""The runner's tests: the test job functions on ``sys.path`` (workers inherit it when
they are spawned), and the ``dask`` marker for the tests that start a Dask cluster."""

import pathlib
import sys

HERE = str(pathlib.Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)


def pytest_configure(config):
    config.addinivalue_line("markers", "dask: starts a dask.distributed LocalCluster (a few seconds); "
                                       "deselect with -m 'not dask'")
