"""The public Python API: a sorted, complete __all__, and extract() giving typed records."""

from __future__ import annotations

import json

import pytest

import incidex


def test_all_is_sorted_and_resolvable() -> None:
    assert incidex.__all__ == sorted(incidex.__all__)
    for name in incidex.__all__:
        assert getattr(incidex, name) is not None


def test_version_matches_package_metadata() -> None:
    from importlib.metadata import version

    assert incidex.__version__ == version("incidex")


@pytest.mark.slow
def test_extract_returns_typed_records_that_serialise() -> None:
    result = incidex.extract(
        "Gunmen killed 3 people in an attack on a market in Kabul on Friday, police said.",
        published="2024-05-04",
        source="Test Wire",
    )
    assert isinstance(result, incidex.ArticleResult)
    report = result.incidents[0]
    assert isinstance(report, incidex.IncidentReport)
    again = incidex.ArticleResult.model_validate(json.loads(result.model_dump_json()))
    assert again == result
