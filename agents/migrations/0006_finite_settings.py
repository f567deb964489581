# Float settings must be numbers: NaN passes every range check (issue 14 fixes). Validators only: the tables do
# not change.
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import migrations, models

import agents.finite_numbers


class Migration(migrations.Migration):
    dependencies = [("agents", "0005_agent_limits")]

    operations = [
        migrations.AlterField(
            model_name="agentconfig",
            name="burst_settle_seconds",
            field=models.FloatField(
                default=2.0,
                help_text="Messages the customer sends within this time of each other are answered together.",
                validators=[agents.finite_numbers.validate_finite, MinValueValidator(0.0), MaxValueValidator(60.0)],
            ),
        ),
        migrations.AlterField(
            model_name="agentconfig",
            name="temperature",
            field=models.FloatField(
                default=0.3,
                validators=[agents.finite_numbers.validate_finite, MinValueValidator(0.0), MaxValueValidator(2.0)],
            ),
        ),
        migrations.AlterField(
            model_name="agentconfig",
            name="time_budget_seconds",
            field=models.FloatField(
                default=60.0,
                help_text="A turn running longer is stopped; the customer gets the fallback reply.",
                validators=[agents.finite_numbers.validate_finite, MinValueValidator(1.0), MaxValueValidator(600.0)],
            ),
        ),
        migrations.AlterField(
            model_name="httptool",
            name="timeout_seconds",
            field=models.FloatField(
                default=5.0,
                help_text="At most the agent's time budget; a call also stops when the turn's time is up.",
                validators=[agents.finite_numbers.validate_finite, MinValueValidator(0.1), MaxValueValidator(600.0)],
            ),
        ),
    ]
