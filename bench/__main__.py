"""`make bench`: every benchmark, each a ratio against a named baseline measured in the same run."""

from __future__ import annotations

import subprocess
import sys


def main() -> None:
    from bench import bench_fit, bench_xml

    for line in [*bench_fit.run(), *bench_xml.run()]:
        print(line, flush=True)
    # The end-to-end run starts Django and a pool of processes; it runs as its own
    # process so the memory it reports is the import's alone.
    subprocess.run([sys.executable, "-m", "bench.bench_import", *sys.argv[1:]], check=True)
    # Insights set up Django with their own data folder, so they too get a process.
    subprocess.run([sys.executable, "-m", "bench.bench_insights"], check=True)


if __name__ == "__main__":
    main()
