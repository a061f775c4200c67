"""The rendered examples in `docs/images/`: which pictures, and whether they are up to date.

    python -m servicespec.gallery          # regenerate docs/images/ (SVG and PNG)
    python -m servicespec.gallery --check  # exit 1 and name the stale pictures

Run from the repository's root (or pass it with `--root`). Every top-level spec in `specs/`
gets its blueprint; the first example also gets its journey and offering views, and the
renderer's golden spec shows lint findings. A picture is stale when the DOT the renderer makes
now differs from the one it was drawn from: each SVG carries the DOT's digest as a comment and
each PNG as a text chunk, so the check needs neither Graphviz's version nor its fonts to match.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from .api import lint_file, load
from .render import digest_of, render_bytes, render_spec

IMAGES = Path("docs/images")
EXTRA_VIEWS = ("personal-loan", ("journey", "offering"))
FINDINGS_EXAMPLE = Path("tests/golden/render/branching.yaml")
_SVG_DIGEST = re.compile(rb"<!-- (servicespec [0-9a-f]{16}) -->")


@dataclass(frozen=True)
class Entry:
    spec: Path  # relative to the root
    view: str
    findings: bool = False

    @property
    def stem(self) -> str:
        name = self.spec.stem
        if self.view != "blueprint":
            name += f"-{self.view}"
        return name + ("-findings" if self.findings else "")


def entries(root: Path) -> list[Entry]:
    specs = sorted(p.relative_to(root) for p in (root / "specs").glob("*.yaml"))
    out = [Entry(p, "blueprint") for p in specs]
    name, views = EXTRA_VIEWS
    out += [Entry(p, v) for p in specs if p.stem == name for v in views]
    if (root / FINDINGS_EXAMPLE).exists():
        out.append(Entry(FINDINGS_EXAMPLE, "blueprint", findings=True))
    return out


def dot_for(root: Path, entry: Entry) -> str:
    path = root / entry.spec
    spec = load(path)
    findings = lint_file(str(path)).diagnostics if entry.findings else []
    return render_spec(spec, entry.view, findings)


def png_digest(data: bytes) -> str | None:
    """The digest in a PNG's `Comment` text chunk."""
    match = re.search(rb"tEXtComment\x00(servicespec [0-9a-f]{16})", data)
    return match[1].decode() if match else None


def svg_digest(data: bytes) -> str | None:
    match = _SVG_DIGEST.search(data)
    return match[1].decode() if match else None


def stale(root: Path) -> list[str]:
    """The pictures under docs/images/ that are missing or drawn from another DOT."""
    out = []
    for entry in entries(root):
        want = digest_of(dot_for(root, entry))
        for ext, read in (("svg", svg_digest), ("png", png_digest)):
            path = root / IMAGES / f"{entry.stem}.{ext}"
            if not path.exists() or read(path.read_bytes()) != want:
                out.append(str(path.relative_to(root)))
    return out


def regenerate(root: Path) -> list[Path]:
    from .fsutil import write_atomic

    folder = root / IMAGES
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for entry in entries(root):
        dot = dot_for(root, entry)
        for ext in ("svg", "png"):
            path = folder / f"{entry.stem}.{ext}"
            write_atomic(path, render_bytes(dot, ext))
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m servicespec.gallery",
                                     description="Regenerate or check docs/images/.")
    parser.add_argument("--check", action="store_true", help="only report stale pictures")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the repository root")
    args = parser.parse_args(argv)
    if args.check:
        outdated = stale(args.root)
        for name in outdated:
            print(f"stale: {name}")
        return 1 if outdated else 0
    for path in regenerate(args.root):
        print(f"wrote {path.relative_to(args.root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
