"""`honoree-admin receive` at the county, and `export --county` for the city: packages are
verified before anything is taken in, taking one in twice changes nothing, the same ID number
from two townships is flagged, and the county's own package is received by the city alike."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from storage.crypto import generate_secret
from storage.settings import Settings
from tests.test_export import (
    FAKE_ID,
    OTHER_TOWN,
    OTHER_VILLAGE,
    TOWN,
    Person,
    cli,
    fresh_data_dir,
    seed,
)

COUNTY = "222401000000"  # 延吉市


def level_settings(root: Path, template: Path) -> Settings:
    """Another level's own data dir and key (the county never has a township's key)."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=root,
        database_url=None,
        secret_key=generate_secret(),
    )
    return fresh_data_dir(settings, template)


def export_zip(settings: Settings, out: Path, *args: str) -> Path:
    result = cli(settings, "export", *args, "--out", str(out), "--demo", "--zip", "--json")
    assert result.exit_code == 0, result.output
    return Path(json.loads(result.stdout)["zip"])


def receive(settings: Settings, *packages: Path) -> tuple[int, dict[str, Any]]:
    result = cli(settings, "receive", *map(str, packages), "--json")
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def data(settings: Settings, initialised_sqlite: Path) -> Settings:
    """The townships' database (both townships' staff export from it)."""
    return fresh_data_dir(settings, initialised_sqlite)


@pytest.fixture
def packages(data: Settings, tmp_path: Path) -> tuple[Path, Path]:
    """小营镇 (two people, one with FAKE_ID) and 依兰镇 (one person, the same FAKE_ID)."""
    seed(data, [Person(name="金明浩", id_number=FAKE_ID), Person(name="李春花")])
    seed(data, [Person(village=OTHER_VILLAGE, name="金明皓", id_number=FAKE_ID)])
    first = export_zip(data, tmp_path / "小营镇", "--township", TOWN)
    second = export_zip(data, tmp_path / "依兰镇", "--township", OTHER_TOWN)
    return first, second


@pytest.fixture
def county(tmp_path: Path, initialised_sqlite: Path) -> Settings:
    return level_settings(tmp_path / "county", initialised_sqlite)


def rebuilt(package: Path, target: Path, change: str, *, drop: bool = False) -> Path:
    """A copy of the zip whose member ending with `change` has one byte changed (or is
    left out); the .sha256 beside the original is not copied."""
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(change):
                if drop:
                    continue
                data = bytes([data[0] ^ 0x01]) + data[1:]
            out.writestr(info, data)
    return target


def test_two_townships_are_taken_in_and_the_same_id_number_is_flagged(
    packages: tuple[Path, Path], county: Settings
) -> None:
    code, result = receive(county, *packages)
    assert code == 0, result
    assert [(p["imported"], p["entries"], p["new"]) for p in result["packages"]] == [
        (True, 2, 2),
        (True, 1, 1),
    ]
    assert result["total"] == 3
    assert result["by_township"] == {TOWN: 2, OTHER_TOWN: 1}
    (group,) = result["same_id_number"]
    assert sorted(e["name"] for e in group) == ["金明浩", "金明皓"]
    assert {e["township_code"] for e in group} == {TOWN, OTHER_TOWN}


def test_a_package_taken_in_twice_changes_nothing(
    packages: tuple[Path, Path], county: Settings
) -> None:
    receive(county, packages[0])
    code, again = receive(county, packages[0])
    assert code == 0
    (package,) = again["packages"]
    assert package["already_received"] and not package["imported"]
    assert (package["new"], package["updated"], again["total"]) == (0, 0, 2)


def test_the_same_id_number_twice_from_one_township_is_flagged(
    data: Settings, tmp_path: Path, county: Settings
) -> None:
    seed(data, [Person(name="王一", id_number=FAKE_ID), Person(name="王壹", id_number=FAKE_ID)])
    code, result = receive(county, export_zip(data, tmp_path / "o", "--township", TOWN))
    assert code == 0
    (group,) = result["same_id_number"]
    assert sorted(e["name"] for e in group) == ["王一", "王壹"]


@pytest.mark.parametrize(
    ("member", "drop", "message"),
    [
        ("佐证材料/", False, "已被改动（校验值不符）"),
        (".docx", True, "缺少文件“登记表/"),
        ("登记数据.jsonl", False, "文件“登记数据.jsonl”已被改动"),
    ],
    ids=["one-byte-changed", "file-missing", "data-changed"],
)
def test_a_damaged_package_is_named_and_nothing_of_it_is_taken_in(
    packages: tuple[Path, Path],
    county: Settings,
    tmp_path: Path,
    member: str,
    drop: bool,
    message: str,
) -> None:
    with zipfile.ZipFile(packages[0]) as z:
        target = next(n for n in z.namelist() if member in n and not n.endswith("/"))
    damaged = rebuilt(packages[0], tmp_path / "坏包.zip", target, drop=drop)
    code, result = receive(county, damaged, packages[1])
    assert code == 1
    bad, good = result["packages"]
    assert not bad["imported"] and bad["entries"] == 0
    (problem,) = bad["problems"]
    assert problem.startswith("坏包.zip：") and message in problem
    assert target.split("/", 1)[1] in problem  # the file is named
    assert good["imported"] and result["total"] == 1  # only the good package's person


def test_a_zip_that_does_not_match_its_sha256_file_is_refused(
    packages: tuple[Path, Path], county: Settings, tmp_path: Path
) -> None:
    copy = tmp_path / "copy" / packages[0].name
    copy.parent.mkdir()
    shutil.copyfile(packages[0], copy)
    sidecar = packages[0].with_name(packages[0].name + ".sha256")
    shutil.copyfile(sidecar, copy.with_name(sidecar.name))
    with copy.open("ab") as f:
        f.write(b"\0")  # a trailing byte: the zip still opens, the checksum differs
    code, result = receive(county, copy)
    assert code == 1 and result["total"] == 0
    assert "压缩包的校验值" in result["packages"][0]["problems"][0]


def test_the_county_package_goes_on_to_the_city(
    packages: tuple[Path, Path], county: Settings, tmp_path: Path, initialised_sqlite: Path
) -> None:
    receive(county, *packages)
    out = tmp_path / "县报市"
    county_zip = export_zip(county, out, "--county", COUNTY)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["level"] == "county" and manifest["counts"]["entries"] == 3
    assert manifest["counts"]["by_status"]["exported"]["persons"] == 3
    assert len(list((out / "登记表").iterdir())) == 3
    again = cli(county, "export", "--county", COUNTY, "--out", str(tmp_path / "x"), "--demo")
    assert again.exit_code == 0 and "没有需要报送" in again.output

    city = level_settings(tmp_path / "city", initialised_sqlite)
    code, result = receive(city, county_zip)
    assert code == 0 and result["total"] == 3
    assert result["by_township"] == {TOWN: 2, OTHER_TOWN: 1}
    assert len(result["same_id_number"]) == 1  # the city sees the same duplicate
