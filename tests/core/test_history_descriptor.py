"""Every model with field history answers ``.history`` through the descriptor that keeps its
manager class (palermo/core/history.py), and the history it gives is the same: the model's
records, or one instance's."""

import pytest
from django.apps import apps
from simple_history.manager import HistoryDescriptor, HistoryManager
from simple_history.models import registered_models

from palermo.core.history import CachedHistoryDescriptor


def test_every_model_with_history_has_the_cached_descriptor():
    tracked = [m for m in apps.get_models() if m in registered_models.values()]
    assert len(tracked) >= 3
    for model in tracked:
        descriptor = vars(model)["history"]
        assert type(descriptor) is CachedHistoryDescriptor, model
    assert not [m for m in apps.get_models() for v in vars(m).values() if type(v) is HistoryDescriptor]


@pytest.mark.django_db
def test_history_is_the_instances_own_and_the_models_whole(world):
    from palermo.nrm.models import Case

    first, second = world.case(), world.case()
    world.rg(first)
    first_history, all_history = first.history, Case.history
    assert isinstance(first_history, HistoryManager) and isinstance(all_history, HistoryManager)
    assert type(first.history) is type(second.history)  # one class, made once
    assert first_history.count() == Case.history.filter(id=first.pk).count() >= 2
    assert set(all_history.values_list("id", flat=True)) == {first.pk, second.pk}
    assert first_history.latest().status == "recovery_period"
