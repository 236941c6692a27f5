"""The command line runs one BLAS thread per process unless the user says otherwise."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from incidex._threads import BLAS_THREAD_VARIABLES, one_blas_thread


def test_unset_variables_default_to_one_and_set_ones_are_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in BLAS_THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MKL_NUM_THREADS", "4")
    one_blas_thread()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    assert os.environ["OMP_NUM_THREADS"] == "1"
    assert os.environ["MKL_NUM_THREADS"] == "4"


def test_the_command_sets_it_before_numpy_loads() -> None:
    env = {k: v for k, v in os.environ.items() if k not in BLAS_THREAD_VARIABLES}
    probe = (
        "import sys; from unittest import mock; import incidex.cli as c; "
        "assert 'numpy' not in sys.modules; "
        "mock.patch.object(c, 'cli', lambda **_: None).start(); c.main(); "
        "import numpy, os; print(os.environ['OPENBLAS_NUM_THREADS'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "1"
