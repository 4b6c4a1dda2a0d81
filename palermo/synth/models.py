"""A synthetic-data run and its checkpoint: the batches written so far, updated in each
batch's own transaction, so an interrupted run resumes exactly where it stopped."""

from django.db import models


class SynthRun(models.Model):
    profile = models.CharField(max_length=40)
    seed = models.BigIntegerField()
    cases = models.PositiveIntegerField()
    batch_size = models.PositiveIntegerField()
    batches_done = models.PositiveIntegerField(default=0)
    # First id of each table for this run: ids are the plan's row numbers from here, so a
    # resumed batch writes the very rows the interrupted one would have.
    base_ids = models.JSONField(default=dict)
    # Secondary indexes of the tables written, dropped for the run and built again, sorted, in
    # the transaction that finishes it ([name, CREATE INDEX statement] pairs).
    deferred_indexes = models.JSONField(default=list)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"synth {self.profile} seed {self.seed} ({self.batches_done} batches)"
