"""A running period's agency, copied from its case, and the running periods indexed by last day and agency (the
supervisor's overview counts those passed and near per agency from this index alone)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_three_administrators_password_change_two_factor"),
        ("cases", "0020_supervision"),
    ]

    operations = [
        migrations.AddField(
            model_name="casedeadline",
            name="agency",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.agency",
                verbose_name="执法机关",
            ),
        ),
        migrations.RunSQL(
            "UPDATE cases_casedeadline SET agency_id = "
            "(SELECT agency_id FROM cases_case WHERE cases_case.id = cases_casedeadline.case_id)",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="casedeadline",
            name="agency",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.agency",
                verbose_name="执法机关",
            ),
        ),
        migrations.AddIndex(
            model_name="casedeadline",
            index=models.Index(
                condition=models.Q(("stopped_on__isnull", True)),
                fields=["due_on", "agency", "case"],
                name="deadline_running_due",
            ),
        ),
    ]
