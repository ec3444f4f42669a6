"""Evidence photos into 佐证材料/<登记编号>_<姓名>/, named by kind, each checked against the
checksum stored when it was received (a changed or missing file is reported, never copied)."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path, PurePosixPath

from dialogs.export_view import award_number, evidence_name, photo_fields
from dialogs.model import Draft
from dialogs.texts import t
from storage.files import EvidenceStore
from storage.records import EvidenceRecord

_SUFFIXES = {".jpeg": ".jpg"}
CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_names(evidence: list[EvidenceRecord], draft: Draft) -> list[tuple[EvidenceRecord, str]]:
    """荣誉证书_1.jpg …; with several awards 第2项_荣誉证书_1.jpg. Evidence of an award that
    was not registered (out of scope) is left out."""
    numbers = award_number(draft)
    several = len(numbers) > 1
    kinds = {f.evidence_kind: evidence_name(f) for f in photo_fields()}
    seen: Counter[str] = Counter()
    named = []
    for ev in evidence:
        if ev.award_position is not None and ev.award_position not in numbers:
            continue
        prefix = (
            f"第{numbers[ev.award_position]}项_"
            if several and ev.award_position is not None
            else ""
        )
        stem = prefix + kinds.get(ev.kind, str(ev.kind))
        seen[stem] += 1
        suffix = PurePosixPath(ev.path).suffix.lower()
        named.append((ev, f"{stem}_{seen[stem]}{_SUFFIXES.get(suffix, suffix)}"))
    return named


class EvidenceChecker:
    """Checks stored files once per export (the store is content-addressed: many entries may
    share one file); services.paper.forms places them."""

    def __init__(self, store: EvidenceStore) -> None:
        self.store = store
        self._verdicts: dict[tuple[str, str], str | None] = {}

    def problem(self, ev: EvidenceRecord) -> str | None:
        """None if the file is there and unchanged, else what is wrong with it."""
        key = (ev.path, ev.sha256)
        if key not in self._verdicts:
            self._verdicts[key] = self._check(ev)
        return self._verdicts[key]

    def _check(self, ev: EvidenceRecord) -> str | None:
        try:
            source = self.store.absolute(ev.path)
            actual = sha256_file(source)
        except FileNotFoundError:
            return t("paper.evidence.missing")
        except (OSError, ValueError) as exc:
            return t("paper.evidence.unreadable", error=exc.__class__.__name__)
        return None if actual == ev.sha256 else t("paper.evidence.changed")
