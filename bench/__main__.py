"""`make bench`: every benchmark, each a ratio against a named baseline measured in the same run."""

from __future__ import annotations

import multiprocessing


def main() -> None:
    from bench import bench_fit, bench_xml

    for line in [*bench_fit.run(), *bench_xml.run()]:
        print(line, flush=True)
    # The end-to-end run starts Django; keep it last and in its own process so the
    # peak memory it reports is the import's alone.
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        for line in pool.apply(_import_bench):
            print(line, flush=True)


def _import_bench() -> list[str]:
    from bench import bench_import

    return bench_import.run()


if __name__ == "__main__":
    main()
