"""One BLAS thread per process, for the command line (set before numpy is first imported).

incidex runs the spaCy pipeline in parallel with processes (``--workers``), never with the
BLAS library's threads: the small matrices of the English pipelines gain nothing from them.
Yet a BLAS thread pool that merely exists costs every process ~10% of its CPU time on this
work (the small English pipeline over generated news: 11.6 -> 10.1 ms per article with
``OPENBLAS_NUM_THREADS=1``, the incidex ingest of a 10%-relevant stream 1.99 -> 1.74 ms per
article, one process): its idle workers spin, and a second thread takes glibc's allocator off
its single-thread fast path. The setting only takes effect before numpy loads the library,
so it is an environment default the CLI and the benchmark scripts set at start; a value the
user set wins, and the library itself never changes the environment of a program importing
it.
"""

from __future__ import annotations

import os

__all__ = ["BLAS_THREAD_VARIABLES", "one_blas_thread"]

BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")


def one_blas_thread() -> None:
    """Default the BLAS thread count to 1 (variables the user set are kept)."""
    for name in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
