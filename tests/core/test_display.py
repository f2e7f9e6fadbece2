"""``ChoiceLabelsMixin``: the same labels as Django's ``get_FOO_display``, from one dict per field."""

from django.db import models
from django.utils import translation

from sonae.core.display import ChoiceLabelsMixin
from sonae.incidents.models import Incident


def test_labels_are_those_of_the_field_choices():
    for field_name in ("status", "category", "channel", "severity"):
        field = Incident._meta.get_field(field_name)
        for value, label in field.flatchoices:
            incident = Incident(**{field.attname: value})
            assert getattr(incident, f"get_{field_name}_display")() == str(label)


def test_a_value_outside_the_choices_is_shown_as_it_is():
    assert Incident(status="no-such-status").get_status_display() == "no-such-status"


def test_unhashable_values_do_not_fail():
    class Thing(ChoiceLabelsMixin):
        pass

    field = models.JSONField(choices=[([1, 2], "一二")])
    field.attname = "value"
    thing = Thing()
    thing.value = [1, 2]
    assert thing._get_FIELD_display(field) == "一二"
    thing.value = {"a": [1]}
    assert thing._get_FIELD_display(field) == "{'a': [1]}"  # as Django shows it


def test_labels_follow_the_active_language():
    field = Incident._meta.get_field("status")
    value, label = field.flatchoices[0]
    with translation.override("ja"):
        assert Incident(status=value).get_status_display() == str(label)
