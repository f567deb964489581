"""Memory and process figures read from /proc (Linux)."""

from __future__ import annotations

from pathlib import Path


def pss(pid: int | str) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no Pss for process {pid}")


def mapping_pss(pid: int, file: Path) -> int:
    """PSS of the mappings of one file in a process (0 when it is not mapped)."""
    total, inside = 0, False
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        first = line.split(maxsplit=1)[0]
        if "-" in first and not first.endswith(":"):
            inside = line.rstrip().endswith(str(file.resolve()))
        elif inside and first == "Pss:":
            total += int(line.split()[1]) * 1024
    return total


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)
