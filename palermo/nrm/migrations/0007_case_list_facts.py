"""The referral's nation and child flag copied onto each case (``Case.nation``, ``Case.child``),
so the case lists filter and count without a join (issue 12's read benchmark). Existing cases
and their history rows get the values of their referral; a history row whose referral has since
been erased keeps empty values (it had none to copy)."""

from django.db import migrations, models

NATIONS = [('england', 'England'), ('wales', 'Wales'), ('scotland', 'Scotland'), ('northern_ireland', 'Northern Ireland')]


def _nation():
    return models.CharField(choices=NATIONS, default='', editable=False,
                            help_text="The referral's nation (a copy, for lists)", max_length=20)


def _child():
    return models.BooleanField(default=False, editable=False,
                               help_text="The referral is a child's: under 18 yes or not sure (a copy, for lists)")


def _copy(table: str) -> str:
    return (f"UPDATE {table} SET "
            f"nation = COALESCE((SELECT r.nation FROM nrm_referral r WHERE r.id = {table}.referral_id), ''), "
            f"child = COALESCE((SELECT r.under_18 IN ('yes', 'not_sure') FROM nrm_referral r "
            f"WHERE r.id = {table}.referral_id), false)")


class Migration(migrations.Migration):

    dependencies = [
        ('nrm', '0006_case_overdue_index'),
    ]

    operations = [
        *(migrations.AddField(model_name=model, name=name, field=field(), preserve_default=False)
          for model in ('case', 'historicalcase') for name, field in (('nation', _nation), ('child', _child))),
        migrations.RunSQL(_copy("nrm_case"), migrations.RunSQL.noop),
        migrations.RunSQL(_copy("nrm_historicalcase"), migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['competent_authority', 'nation', 'child'], name='case_ca_nation_child'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['competent_authority', 'child'], name='case_ca_child'),
        ),
    ]
