"""Parsed data files kept by content: a second load reads the cache, an edited file is read afresh."""

from __future__ import annotations

import pytest

from overland.errors import DataError
from overland.io.data_files import load_catalog


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("OVERLAND_CACHE_DIR", str(folder))
    return folder


def test_a_second_load_reads_the_parsed_files_and_gives_the_same_catalog(data_copy, cache):
    first = load_catalog(data_copy)
    entries = sorted(cache.glob("yaml-*.marshal"))
    catalog_files = [
        data_copy / name
        for name in (
            "places.yaml",
            "legs.yaml",
            "travellers.yaml",
            "entry-regimes.yaml",
            "transport.yaml",
            "uncertainty.yaml",
        )
    ]
    assert len(entries) == len(catalog_files) + len(list((data_copy / "crossings").glob("*.yaml")))
    again = load_catalog(data_copy)
    assert again == first
    assert sorted(cache.glob("yaml-*.marshal")) == entries


def test_an_edited_file_is_read_again_never_served_from_the_cache(data_copy, cache):
    load_catalog(data_copy)
    places = data_copy / "places.yaml"
    places.write_text(places.read_text(encoding="utf-8").replace("value: Naryn\n", "value: Naryn town\n", 1))
    assert load_catalog(data_copy).places["naryn"].name == "Naryn town"


def test_an_edit_that_breaks_a_file_is_reported_with_its_line_even_after_a_good_load(data_copy, cache):
    load_catalog(data_copy)
    legs = data_copy / "legs.yaml"
    legs.write_text(legs.read_text(encoding="utf-8") + "  - start: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_catalog(data_copy)
    assert f"{legs}:" in str(caught.value)
    assert "malformed YAML" in str(caught.value)


def test_a_damaged_cache_entry_is_parsed_again(data_copy, cache):
    first = load_catalog(data_copy)
    for entry in cache.glob("yaml-*.marshal"):
        entry.write_bytes(b"\x00garbage")
    assert load_catalog(data_copy) == first


def test_a_cache_folder_that_cannot_be_written_only_costs_the_parsing(data_copy, tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("OVERLAND_CACHE_DIR", str(blocked / "cache"))
    assert load_catalog(data_copy).places["naryn"].name == "Naryn"
