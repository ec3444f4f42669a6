"""说明.txt: what a county clerk needs to understand a package without asking — what each file
is, how many people, who sent it and when, and how to check the checksums on Windows."""

from __future__ import annotations

from dataclasses import dataclass


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


FILES = (
    ("汇总表.xlsx", "全部报送人员，一人一行（A3 横向打印；每页有页码和签章栏）"),
    ("登记表\\", "每人一份登记表（docx），打印后由本人、村（社区）、乡镇（街道）签字盖章"),
    ("佐证材料\\", "每人一个文件夹：荣誉证书、表彰文件等照片，文件夹名为“登记编号_姓名”"),
    ("统计登记工作情况.xlsx", "按统计类别、待遇级别、状态、村（社区）的人数统计"),
    ("统计登记工作情况报告.docx", "统计登记工作情况报告（谁做的、登记多少、确认多少、退回多少）"),
    ("登记数据.jsonl", "供上级用 honoree-admin receive 导入的数据，内容与汇总表一致"),
    ("manifest.json", "文件清单：每个文件的 SHA-256 校验值和大小"),
    ("说明.txt", "本说明"),
)


def readme_text(f: ReadmeFacts) -> str:
    zip_name = f.zip_name or "报送材料.zip"
    lines = [
        "享受省部级以上表彰奖励获得者待遇人员统计登记 报送材料说明",
        "",
        f"报送单位：{f.sender}（{f.level}，区划代码 {f.sender_code}）",
        f"导出人：{f.actor}",
        f"导出时间：{f.exported_at}",
        f"本次报送：{f.persons} 人；登记表 {f.forms} 份；佐证材料 {f.evidence} 个。",
        f"需要处理的问题：{f.problems} 条（详见 manifest.json 的 problems）。"
        if f.problems
        else "需要处理的问题：无。",
        "",
        "一、文件说明",
        *(f"  {name}：{what}" for name, what in FILES),
        "",
        "二、如何核对文件没有缺少或被改动（Windows）",
        "  1. 核对压缩包：在压缩包所在文件夹打开“命令提示符”，输入",
        f"       certutil -hashfile {zip_name} SHA256",
        f"     显示的一串字母数字应与 {zip_name}.sha256 文件里的一致。",
        "  2. 核对单个文件，例如：certutil -hashfile 汇总表.xlsx SHA256",
        "     结果应与 manifest.json 中该文件的 sha256 一致。",
        "  3. 用 honoree-admin receive 导入时，系统会自动核对全部文件；",
        "     有缺少或改动的文件会逐一列出，该报送包的内容一律不导入。",
        "",
        "三、注意",
        "  本材料含公民身份号码、联系电话等个人信息，请妥善保管，",
        "  仅用于享受省部级以上表彰奖励获得者待遇人员统计登记工作。",
    ]
    return "\r\n".join(lines) + "\r\n"  # CRLF: older Notepad shows one long line otherwise
