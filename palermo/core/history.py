"""django-simple-history's ``history`` descriptor, with its manager class made once.

simple_history 3.13's ``HistoryDescriptor.__get__`` builds a new manager class
(``HistoryManager.from_queryset(HistoricalQuerySet)``: a ``type()`` call that copies every
queryset method onto it) on every access of ``instance.history`` — and it reads that attribute
once for each historical record it writes, only to find the historical model. That is 0.13 ms
an access here (4 µs with the class kept), three times for each referral (person, referral,
case): ~3% of the 13 ms of CPU of ``POST /api/v1/referrals`` (issue 12's write benchmark).
Django's own managers call ``from_queryset`` once, when a model class is made;
:func:`history_descriptors_cache` does the same for every model with history. What
``instance.history`` and ``Model.history`` return is unchanged: a ``HistoryManager`` for that
model and instance.
"""

from __future__ import annotations

from functools import cached_property

from simple_history.manager import HistoryDescriptor


class CachedHistoryDescriptor(HistoryDescriptor):
    @cached_property
    def manager_type(self):
        return self.manager_class.from_queryset(self.queryset_class)

    def __get__(self, instance, owner):
        return self.manager_type(self.model, instance)


def history_descriptors_cache(models) -> None:
    """Give each model in ``models`` with a simple_history descriptor the cached one."""
    for model in models:
        for name, value in list(vars(model).items()):
            if type(value) is HistoryDescriptor:
                setattr(model, name, CachedHistoryDescriptor(value.model, manager=value.manager_class,
                                                             queryset=value.queryset_class))


def history_created(created, *, user, date) -> None:
    """The "+" history rows of objects just inserted with :func:`palermo.core.rows.create` (which
    kept simple_history's receiver from writing them), as simple_history writes them for a create
    (the object's values, the acting user, no change reason), at ``date``, from the values their
    own rows hold: the same ciphertext, encrypted once. ``created``: (model, values) pairs."""
    from palermo.core.rows import history_table

    by_model: dict[type, list[dict]] = {}
    for model, values in created:
        by_model.setdefault(model, []).append(values)
    for model, group in by_model.items():
        history_table(model).insert(group, user_id=user.pk, date=date)
