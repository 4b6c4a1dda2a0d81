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


def save_without_history(obj) -> None:
    """Save a new ``obj`` without django-simple-history writing its "+" row then: the caller
    writes it with :func:`history_created` (one prepared statement instead of a model save).
    Every other signal is sent as usual (a new referral's linkage job)."""
    obj.skip_history_when_saving = True
    try:
        obj.save()
    finally:
        del obj.skip_history_when_saving  # later saves of this object keep their history


def history_created(objs, *, user, date) -> None:
    """The "+" history rows of new objects saved with :func:`save_without_history`, as
    simple_history writes them for a create (the object's values, the acting user, no change
    reason), at ``date``. ``None`` in ``objs`` is skipped."""
    from palermo.core.rows import history_table, table

    by_model: dict[type, list] = {}
    for obj in objs:
        if obj is not None:
            by_model.setdefault(type(obj), []).append(obj)
    for model, group in by_model.items():
        history_table(model).insert([table(model).values_of(o) for o in group], user_id=user.pk, date=date)
