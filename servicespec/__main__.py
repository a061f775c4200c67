"""The `servicespec` command and `python -m servicespec`: the process around the CLI.

A run is short and its objects mostly live to its end (modules, validators, findings), so the
garbage collector is told to collect young objects less often before anything is imported,
and at the end `gc.freeze()` spares the interpreter a last collection over everything still
alive: together about a fifth of a cold one-file lint (docs/performance.md).
"""

import gc

# young objects collected every 100,000 allocations, not 700 (benchmarks run as the command)
GC_THRESHOLD = (100_000, 50, 100)


def main() -> None:
    gc.set_threshold(*GC_THRESHOLD)
    try:
        from .cli import main as run

        run()
    finally:
        gc.freeze()


if __name__ == "__main__":
    main()
