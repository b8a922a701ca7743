"""Numeric work on one thread.

scikit-learn's k-means adds each thread's partial sums in whatever order the threads finish, so
two threads need not give the same bits twice (synth promises byte-identical outputs), and under
load OpenMP's waiting threads make it slower, not faster. Measured on a 2-core machine at load 2.6:
k-means (k=4, n_init=4) on 2,000 x 300 rows took 1.1-1.6 s on two threads and 0.075 s on one; on
20,000 rows 7.1-7.6 s against 2.8-3.0 s, with the same labels. A `synth run` of 20,000 answers at
load 2-2.5: cluster stage 39.1 s -> 11.7 s. Embedding keeps its threads (torch's own pool).
"""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def one_thread(func: F) -> F:
    """`func` with BLAS and OpenMP limited to one thread while it runs (threadpoolctl)."""

    @functools.wraps(func)
    def limited(*args: Any, **kwargs: Any) -> Any:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            return func(*args, **kwargs)

    return limited  # type: ignore[return-value]
