"""`honoree-admin poster` and `invite --channel web`: what staff print and hand out."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from services.paper.pdf import soffice
from storage.settings import Settings
from tests.test_dialog_flow import VILLAGE
from tests.test_export import cli, fresh_data_dir
from tests.web.conftest import ARTIFACTS

TOWNSHIP = "222401100000"  # 延吉市 小营镇


@pytest.fixture
def data(settings: Settings, initialised_sqlite: Path) -> Settings:
    return fresh_data_dir(settings, initialised_sqlite)


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
def test_village_poster_renders_chinese_and_both_codes(
    data: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HONOREE_WEB_URL", "https://dengji.example.cn")
    cli(data, "committee", "add", "--division", VILLAGE, "--contact", "王书记 0433-1234567")
    out = tmp_path / "光进村.pdf"
    said = cli(data, "poster", "--village", VILLAGE, "--out", str(out),
               "--bot-username", "jilin_honoree_bot")
    assert said.exit_code == 0, said.output
    text = pdf_text(out)
    for expected in ("表彰奖励获得者统计登记", "延吉市 小营镇 光进村", "王书记 0433-1234567",
                     "微信或手机浏览器扫码", "Telegram 扫码", "村干部帮忙填"):
        assert expected in text.replace("\n", ""), expected
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert "CJK" in fonts and " yes " in fonts  # Noto CJK, embedded
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(out),
                    str(ARTIFACTS / "poster")], check=True)
    page = Image.open(ARTIFACTS / "poster.png").convert("L")
    assert page.width < page.height  # A4 portrait
    dark = page.point(lambda v: 255 if v < 100 else 0).histogram()[255] / (page.width * page.height)
    assert 0.05 < dark < 0.6  # text and two QR codes, not a blank page
    # both codes, as a phone's camera reads them, start the form in this village
    assert qr_links(out, tmp_path) == {
        f"https://dengji.example.cn/?v={VILLAGE}", f"https://t.me/jilin_honoree_bot?start=v{VILLAGE}",
    }


def qr_links(pdf: Path, tmp_path: Path) -> set[str]:
    """What the poster's QR codes say, read from the printed page."""
    cv2 = pytest.importorskip("cv2", reason="OpenCV comes with the ocr extra (RapidOCR)")
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf),
                    str(tmp_path / "scan")], check=True)
    image = cv2.imread(str(tmp_path / "scan.png"))
    found, texts, _, _ = cv2.QRCodeDetector().detectAndDecodeMulti(image)
    assert found
    return set(texts)


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
def test_township_posters_one_page_per_village(data: Settings, tmp_path: Path) -> None:
    out = tmp_path / "小营镇.pdf"
    said = cli(data, "poster", "--township", TOWNSHIP, "--out", str(out))
    assert said.exit_code == 0, said.output
    text = pdf_text(out)
    pages = text.count("\f")
    assert pages > 5 and text.count("表彰奖励获得者统计登记") == pages
    assert "Telegram 扫码" not in text  # no bot name known: the web code only


def test_web_invite_link(data: Settings) -> None:
    said = cli(data, "invite", "--division", VILLAGE, "--channel", "web", "--json")
    made = json.loads(said.output)
    assert made["link"] == made["web_link"] and "/join/" in made["web_link"]
    assert "t.me" not in said.output
