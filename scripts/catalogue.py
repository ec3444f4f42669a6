"""The text catalogue's chores: bring new keys into the zh_CN .po, compile the .mo files.

    python scripts/catalogue.py sync --ref BRANCH   # keys a branch still adds to the old dict
    python scripts/catalogue.py sync --from FILE.py # the same from a file with a ZH_CN dict
    python scripts/catalogue.py follow              # translations get every key of zh_CN
    python scripts/catalogue.py compile             # .po -> .mo (setup.sh runs it)

zh_CN is the source: `sync` adds the keys it does not have yet and takes the new wording of
keys it has; the other languages are left to their translators.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "dialogs" / "locale"
SOURCE = "zh_CN"
SECTION = re.compile(r"^\s*# ---\s*(.*?)\s*-*\s*$")


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"


def dict_entries(source: str, name: str = "ZH_CN") -> list[tuple[str, str, str | None]]:
    """(key, text, section comment) for each item of the dict `name` in Python `source`."""
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        target = getattr(node, "target", None) or (getattr(node, "targets", None) or [None])[0]
        if isinstance(target, ast.Name) and target.id == name and isinstance(node.value, ast.Dict):
            break
    else:
        raise SystemExit(f"no dict {name} in the source")
    entries, last_line = [], node.value.lineno
    for key, value in zip(node.value.keys, node.value.values, strict=True):
        between = lines[last_line : key.lineno - 1]
        comments = [m.group(1) for ln in between if (m := SECTION.match(ln))]
        section = comments[-1] if comments else None
        entries.append((ast.literal_eval(key), ast.literal_eval(value), section))
        last_line = value.end_lineno
    return entries


def load(locale: str) -> Catalog:
    with po_path(locale).open("rb") as fh:
        return read_po(fh, locale=locale)


def save(catalog: Catalog, locale: str) -> None:
    path = po_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, sort_output=False, omit_header=False)


def sync(entries: list[tuple[str, str, str | None]]) -> tuple[int, int]:
    """Add new keys to the zh_CN catalogue and take changed wording, then bring every
    translation in line; (added, changed)."""
    catalog = load(SOURCE) if po_path(SOURCE).exists() else new_catalog(SOURCE)
    added = changed = 0
    for key, text, section in entries:
        message = catalog.get(key)
        if message is None:
            catalog.add(key, text, auto_comments=[section] if section else ())
            added += 1
        elif message.string != text:
            message.string = text
            changed += 1
    save(catalog, SOURCE)
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/messages.po")):
        if po != po_path(SOURCE):
            follow(catalog, po.parent.parent.name)
    return added, changed


def follow(source: Catalog, locale: str) -> None:
    """Give a translation every source key (in the source's order), each with the Chinese text
    as a comment for the translator; a translated text whose Chinese changed becomes fuzzy."""
    old = load(locale) if po_path(locale).exists() else new_catalog(locale)
    new = new_catalog(locale)
    for message in source:
        if not message.id:
            continue
        before = old.get(message.id)
        flags = set(before.flags) if before else set()
        note = f"zh_CN: {message.string}"
        if before and before.string and _squeezed(before.auto_comments) != _squeezed([note]):
            flags.add("fuzzy")  # the comment was wrapped on writing: compare without spaces
        new.add(message.id, before.string if before else "", auto_comments=[note], flags=flags)
    save(new, locale)


def new_catalog(locale: str) -> Catalog:
    return Catalog(locale=locale, project="honoree-registration", fuzzy=False)


def _squeezed(comments) -> str:
    return "".join("".join(comments).split())


def compile_all() -> list[Path]:
    made = []
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/messages.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh)
        with po.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, catalog)
        made.append(po.with_suffix(".mo"))
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sync", help="add keys of an old-style ZH_CN dict to the zh_CN .po")
    where = s.add_mutually_exclusive_group(required=True)
    where.add_argument("--ref", help="a git ref whose dialogs/texts.py holds the dict")
    where.add_argument("--from", dest="path", help="a Python file that holds the dict")
    sub.add_parser("compile", help="compile every .po to its .mo")
    sub.add_parser("follow", help="bring every translation in line with the zh_CN keys")
    args = parser.parse_args(argv)
    if args.command == "compile":
        for mo in compile_all():
            print(mo.relative_to(LOCALE_DIR.parent.parent))
        return 0
    if args.command == "follow":
        sync([])
        compile_all()
        return 0
    if args.ref:
        show = ["git", "show", f"{args.ref}:dialogs/texts.py"]
        source = subprocess.run(show, check=True, capture_output=True, text=True).stdout
    else:
        source = Path(args.path).read_text(encoding="utf-8")
    added, changed = sync(dict_entries(source))
    print(f"zh_CN: {added} keys added, {changed} reworded")
    compile_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
