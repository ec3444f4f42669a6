"""说明.txt: what a county clerk needs to understand a package without asking — what each file
is, how many people, who sent it and when, and how to check the checksums on Windows."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.texts import t


@dataclass(frozen=True)
class ReadmeFacts:
    sender: str  # 延吉市 小营镇
    sender_code: str
    level: str  # 乡镇（街道） or 县（市、区）
    exported_at: str  # 2026年12月2日 15:10
    actor: str
    persons: int
    forms: int
    evidence: int
    problems: int
    zip_name: str | None


FILES = (  # a file (or folder) and the catalogue key that says what it is
    ("汇总表.xlsx", "summary"),
    ("登记表\\", "forms"),
    ("佐证材料\\", "evidence"),
    ("统计登记工作情况.xlsx", "report"),
    ("统计登记工作情况报告.docx", "work_report"),
    ("登记数据.jsonl", "data"),
    ("manifest.json", "manifest"),
    ("说明.txt", "readme"),
)


def readme_text(f: ReadmeFacts) -> str:
    head = t(
        "paper.readme.head",
        sender=f.sender,
        level=f.level,
        code=f.sender_code,
        actor=f.actor,
        at=f.exported_at,
        persons=f.persons,
        forms=f.forms,
        evidence=f.evidence,
    )
    problems = (
        t("paper.readme.problems", n=f.problems) if f.problems else t("paper.readme.no_problems")
    )
    files = [f"  {name}：{t(f'paper.readme.file.{key}')}" for name, key in FILES]
    check = t("paper.readme.check", zip_name=f.zip_name or t("paper.readme.zip"))
    parts = [
        head,
        problems,
        "",
        t("paper.readme.files"),
        *files,
        "",
        check,
        "",
        t("paper.readme.privacy"),
    ]
    lines = "\n".join(parts).split("\n")
    return "\r\n".join(lines) + "\r\n"  # CRLF: older Notepad shows one long line otherwise
