"""Boxes into lines: lines that lean into each other on a slanted photo stay apart."""

from __future__ import annotations

from ocr.engines import TextBox
from ocr.layout import group_lines


def test_two_leaning_lines_are_not_merged():
    boxes = [
        TextBox("被授予全国劳动模范", 0.99, (100, 100, 600, 160)),
        TextBox("称号特发此证", 0.99, (130, 130, 500, 190)),  # overlaps the line above
        TextBox("国务院", 0.99, (700, 105, 850, 165)),  # beside the first: the same line
    ]
    assert [line.text for line in group_lines(boxes)] == [
        "被授予全国劳动模范  国务院",
        "称号特发此证",
    ]


def test_leaning_columns_read_right_to_left_each_on_its_own():
    boxes = [
        TextBox("国务院", 0.99, (960, 600, 1060, 900)),
        TextBox("张三同志", 0.99, (1200, 100, 1300, 500)),
        TextBox("被授予全国劳动模范", 0.99, (1080, 100, 1240, 1000)),  # leans into 称号
        TextBox("称号", 0.99, (1040, 100, 1150, 300)),
    ]
    assert [line.text for line in group_lines(boxes)] == [
        "张三同志",
        "被授予全国劳动模范",
        "称号",
        "国务院",
    ]
