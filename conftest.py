"""Shared pytest setup."""

import matplotlib

matplotlib.use("Agg")  # the test process itself never opens a window (kernels keep the inline backend)


def pytest_configure(config):
    # Build matplotlib's font cache once, before any notebook kernel starts, so that its
    # first-use message never lands on a notebook's stderr.
    import matplotlib.font_manager  # noqa: F401
