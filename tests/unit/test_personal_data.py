"""Every text field of every review event is either sealed as personal data or deliberately left readable."""

from __future__ import annotations

from domain.base import Aggregate
from domain.personal_data import FIELDS, NOT_PERSONAL, Withheld, personal_paths, placeholder, withhold_facts
from domain.review import CaseReview

BOOKKEEPING = {*Aggregate.Event.model_fields, "originator_topic"}


def review_events() -> dict[str, type[Aggregate.Event]]:
    return {
        name: cls
        for name, cls in vars(CaseReview).items()
        if isinstance(cls, type) and issubclass(cls, Aggregate.Event)
    }


def test_every_text_field_of_every_review_event_is_classified_as_personal_or_not() -> None:
    unclassified = {
        (name, field)
        for name, cls in review_events().items()
        for field, info in cls.model_fields.items()
        if field not in BOOKKEEPING
        and "str" in str(info.annotation)
        and field not in (*FIELDS.get(name, ()), *NOT_PERSONAL.get(name, ()))
    }
    assert unclassified == set()


def test_the_classification_names_only_fields_that_exist() -> None:
    events = review_events()
    for table in (FIELDS, NOT_PERSONAL):
        for name, paths in table.items():
            assert name in events, name
            assert {path.split(".")[0] for path in paths} <= set(events[name].model_fields), name


def test_a_correction_of_a_childs_detail_is_personal_and_one_of_a_date_is_not() -> None:
    child = {"corrects_type": "Notified", "field": "other_children.1.pseudonym", "value": "Child B"}
    date = {"corrects_type": "Notified", "field": "notified_on", "value": "2020-01-02"}
    assert personal_paths("Corrected", child) == ["value"]
    assert personal_paths("Corrected", date) == []
    assert placeholder("Corrected", "value", child, Withheld.DISPOSED, None) == Withheld.DISPOSED.value
    age = {**child, "field": "child.age_years"}
    assert placeholder("Corrected", "value", age, Withheld.DISPOSED, None) is None


def test_withholding_a_reviews_facts_leaves_no_personal_value_and_keeps_the_shape() -> None:
    facts = {
        "child": {"pseudonym": "Child A", "age_years": 3},
        "other_children": [{"pseudonym": "Child B"}],
        "incident": {"nature": "death", "description": "What happened"},
        "holds": {"h1": {"kind": "inquest", "reference": "Inquest into Child A"}},
        "family_impact_note": "The mother was consulted",
        "redactions": {"9": ["Child A's school", "identifies_child", ["family"], "2020-01-01"]},
    }
    withhold_facts(facts, Withheld.DISPOSED)
    text = str(facts)
    assert "Child A" not in text
    assert "Child B" not in text
    assert "mother" not in text
    assert "happened" not in text
    assert len(facts["other_children"]) == 1
    assert facts["redactions"]["9"][1:] == ["identifies_child", ["family"], "2020-01-01"]
