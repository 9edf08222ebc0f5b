"""glibc's malloc set up for training: torch's large per-step temporaries are reused where they
were freed, not handed back to the kernel and faulted in again, page by page, at the next step.

Without it a training run spends much of its system time on page faults for memory it already
had; with it, the faults drop about fourfold at the same peak memory. Elsewhere than glibc there
is nothing to set.
"""

from __future__ import annotations

import ctypes

# mallopt's parameters (malloc.h)
M_TRIM_THRESHOLD = -1  # free memory at the top of the heap kept before it goes back to the kernel
M_MMAP_THRESHOLD = -3  # blocks this large or larger get their own mapping, unmapped when freed
M_ARENA_MAX = -8  # how many malloc arenas threads may have

LARGEST_HEAP_BLOCK = 32 << 20  # glibc's ceiling for M_MMAP_THRESHOLD on 64-bit machines
KEEP_FREED = 1 << 30


def reuse_freed_memory(*, one_arena: bool = False) -> None:
    """From now on, freed blocks up to 32 MB stay in the heap for the next allocation, and up to
    1 GB of free heap is kept. With ``one_arena``, threads started from now on also allocate from
    the main heap (a training thread's own arena gave its memory back to the kernel at every step)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc
        return
    mallopt(M_MMAP_THRESHOLD, LARGEST_HEAP_BLOCK)
    mallopt(M_TRIM_THRESHOLD, KEEP_FREED)
    if one_arena:
        mallopt(M_ARENA_MAX, 1)
