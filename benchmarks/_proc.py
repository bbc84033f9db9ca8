"""Process-level helpers shared by the server and the child processes (stdlib only)."""

from __future__ import annotations

import resource

MIB = 1024 * 1024


def raise_fd_limit() -> None:
    """Lift the soft open-files limit to the hard one (1,000 streams need 1,000+ sockets)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far (``ru_maxrss``; Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mib() -> float:
    """Resident set size right now, from ``/proc/self/statm`` (NaN where unavailable)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
    except OSError:
        return float("nan")
    return pages * resource.getpagesize() / MIB
