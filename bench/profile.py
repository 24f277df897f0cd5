"""Read py-spy's collapsed stacks (``bench.run --profile``): the functions where the server
worker spent its samples, inclusive (the function and what it called) and by itself.

    python -m bench.profile bench/profiles/s1-0.txt [--top 40] [--match facilitate]
"""

import argparse
import re
from collections import Counter
from pathlib import Path

#: py-spy's frame: ``function (path/to/file.py:line)``.
FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^():]+)(?::\d+)?\)$")


def frames(line: str) -> tuple[list[str], int]:
    stack, _, count = line.rpartition(" ")
    return [_short(f) for f in stack.split(";") if f], int(count)


def _short(frame: str) -> str:
    """``function (package/module.py)``, without the line number and the site-packages path."""
    match = FRAME.match(frame)
    if not match:
        return frame
    path = match["file"].split("site-packages/")[-1].split("/h20/")[-1]
    return f"{match['function']} ({path})"


def summarise(path: Path, top: int, match: str) -> str:
    inclusive: Counter = Counter()
    own: Counter = Counter()
    total = 0
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        stack, count = frames(line)
        total += count
        for frame in set(stack):
            inclusive[frame] += count
        if stack:
            own[stack[-1]] += count
    out = [f"{path.name}: {total} samples"]
    for title, counter in (("inclusive", inclusive), ("self", own)):
        out.append(f"\n{title}:")
        shown = [(f, n) for f, n in counter.most_common() if match in f][:top]
        out += [f"{100 * n / max(total, 1):5.1f}%  {f}" for f, n in shown]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--match", default="", help="only frames containing this")
    args = parser.parse_args()
    for path in args.files:
        print(summarise(path, args.top, args.match))


if __name__ == "__main__":
    main()
