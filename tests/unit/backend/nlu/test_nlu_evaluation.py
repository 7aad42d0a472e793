from todo_backend.nlu.classifier import TRAINING_PATH, load_examples
from todo_backend.nlu.evaluate import (
    DUE_DATE_ACCURACY_TARGET,
    ENTITY_FIELDS,
    INTENT_ACCURACY_TARGET,
    evaluate,
    format_report,
    load_cases,
    main,
)
from todo_backend.nlu.intents import Intent
from todo_backend.nlu.pipeline import NluPipeline


def test_evaluation_set_is_separate_from_training_data() -> None:
    training = {example.text.strip().lower() for example in load_examples(TRAINING_PATH)}
    overlap = [case.text for case in load_cases() if case.text.strip().lower() in training]
    assert overlap == []


def test_evaluation_set_covers_every_intent_and_entity_kind() -> None:
    cases = load_cases()
    assert len(cases) >= 300
    assert {case.intent for case in cases} == set(Intent)
    covered = {name for case in cases for name in case.expected}
    assert covered == set(ENTITY_FIELDS)
    assert sum("due_at" in case.expected for case in cases) >= 50


def test_accuracy_targets_on_the_evaluation_set(pipeline: NluPipeline) -> None:
    report = evaluate(pipeline, load_cases())
    summary = format_report(report)
    assert report.intent_accuracy >= INTENT_ACCURACY_TARGET, summary
    assert report.due_date_accuracy >= DUE_DATE_ACCURACY_TARGET, summary
    for name in ENTITY_FIELDS:
        assert report.field_accuracy(name) >= 0.9, summary


def test_rules_alone_still_classify_most_messages(tmp_path: object) -> None:
    rules_only = NluPipeline.create(model_path=str(tmp_path))
    report = evaluate(rules_only, load_cases())
    assert report.intent_accuracy >= 0.85, format_report(report)


def test_evaluate_command_exits_non_zero_below_target(tmp_path: object) -> None:
    # Without the model the rules alone miss the 95% target: the command must say so.
    assert main(["--model-path", str(tmp_path)]) == 1
