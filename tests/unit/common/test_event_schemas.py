import json
from pathlib import Path

import jsonschema

from todo_common.events import EVENT_SCHEMAS, CloudEvent, TaskEventData, json_schema

SCHEMAS = Path(__file__).resolve().parents[3] / "docs" / "events"


def test_committed_schemas_match_the_models() -> None:
    for name, model in EVENT_SCHEMAS.items():
        committed = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
        assert committed == json.loads(json.dumps(json_schema(model))), (
            f"run `make schemas` ({name})"
        )


def test_a_consumer_in_another_language_can_validate_a_task_event() -> None:
    event = {
        "specversion": "1.0",
        "id": "e1",
        "source": "elsewhere",
        "type": "task.created",
        "time": "2026-11-23T10:00:00Z",
        "datacontenttype": "application/json",
        "data": {
            "user_id": "alice",
            "seq": 1,
            "task": {
                "id": "t1", "title": "x", "description": None, "completed": False,
                "priority": "low", "tags": [], "due_at": None, "remind_at": None,
                "completed_at": None, "created_at": "2026-11-23T10:00:00Z",
                "updated_at": "2026-11-23T10:00:00Z", "recurrence": None,
            },
        },
    }  # fmt: skip
    jsonschema.validate(event, json.loads((SCHEMAS / "cloudevent.schema.json").read_text()))
    data_schema = json.loads((SCHEMAS / "task-event-data.schema.json").read_text())
    jsonschema.validate(event["data"], data_schema)
    parsed = TaskEventData.model_validate(CloudEvent.model_validate(event).data)
    assert parsed.seq == 1

    event["data"]["seq"] = 0  # type: ignore[index]
    try:
        jsonschema.validate(event["data"], data_schema)
    except jsonschema.ValidationError:
        return
    raise AssertionError("seq 0 must be rejected by the schema")
