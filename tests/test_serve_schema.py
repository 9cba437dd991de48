"""The JSON API against its own OpenAPI description: every operation, with generated
parameters (schemathesis), answers as described and never with a server error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.support.room import make_history, serve_room

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def room_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    for history in make_history(tmp_path_factory.mktemp("schema")):
        with serve_room(history.config) as base:
            yield base


def test_every_operation_answers_as_described(room_url: str) -> None:
    schema = schemathesis.openapi.from_url(f"{room_url}/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate()

        check()
