"""What "plain for honorees" means, shared by the dialog walks and the end-to-end tests."""

from __future__ import annotations

import re

BUTTON_LIMIT = 12  # characters a phone shows on one button
CODE = re.compile(r"(?<![A-Za-z0-9])[NP][1-4](?![0-9])")  # a category code: N1, N2, P1-P4
JARGON = ("校验位", "人事档案记录", "“文件”方式", "‘文件’方式", "统计类别", "地区码", "待核实",
          "享受省部级以上表彰奖励获得者待遇")  # fmt: skip


def width(label: str) -> int:
    """Characters as a phone shows them: an emoji with its variation selector counts 1."""
    return sum(1 for c in label if c not in "\ufe0f\u200d")
