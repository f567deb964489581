# Bounds on agent settings and on a custom tool's timeout, and model files only from where the server offers them
# (issue 14 items 5, 9, 11). Validators only: the tables do not change.
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import migrations, models

import agents.model_files


class Migration(migrations.Migration):
    dependencies = [("agents", "0004_agent_secrets")]

    operations = [
        migrations.AlterField(
            model_name="agentconfig",
            name="burst_settle_seconds",
            field=models.FloatField(
                default=2.0,
                help_text="Messages the customer sends within this time of each other are answered together.",
                validators=[MinValueValidator(0.0), MaxValueValidator(60.0)],
            ),
        ),
        migrations.AlterField(
            model_name="agentconfig",
            name="context_size",
            field=models.PositiveIntegerField(
                default=4096,
                help_text="Tokens of prompt and reply the model sees.",
                validators=[MinValueValidator(256), MaxValueValidator(32768)],
            ),
        ),
        migrations.AlterField(
            model_name="agentconfig",
            name="gpu_layers",
            field=models.SmallIntegerField(
                blank=True,
                help_text="Layers offloaded to a GPU (-1: all). Empty: the server default.",
                null=True,
                validators=[MinValueValidator(-1), MaxValueValidator(1024)],
            ),
        ),
        migrations.AlterField(
            model_name="agentconfig",
            name="max_reply_tokens",
            field=models.PositiveIntegerField(
                default=160,
                help_text="Upper bound on a reply's length.",
                validators=[MinValueValidator(1), MaxValueValidator(4096)],
            ),
        ),
        migrations.AlterField(
            model_name="agentconfig",
            name="max_steps",
            field=models.PositiveSmallIntegerField(
                default=4,
                help_text="Tool calls the model may make in one turn.",
                validators=[MinValueValidator(1), MaxValueValidator(16)],
            ),
        ),
        migrations.AlterField(
            model_name="agentconfig",
            name="model_path",
            field=models.CharField(
                blank=True,
                help_text="Path of a GGUF model file on the worker machines. Empty: the server default "
                "(PARLEY_MODEL_PATH, else the bundled SmolLM2-135M-Instruct).",
                max_length=500,
                validators=[agents.model_files.validate_model_path],
            ),
        ),
        migrations.AlterField(
            model_name="agentconfig",
            name="temperature",
            field=models.FloatField(
                default=0.3,
                validators=[MinValueValidator(0.0), MaxValueValidator(2.0)],
            ),
        ),
        migrations.AlterField(
            model_name="agentconfig",
            name="threads",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="CPU threads for inference. Empty: the server default.",
                null=True,
                validators=[MinValueValidator(1), MaxValueValidator(64)],
            ),
        ),
        migrations.AlterField(
            model_name="agentconfig",
            name="time_budget_seconds",
            field=models.FloatField(
                default=60.0,
                help_text="A turn running longer is stopped; the customer gets the fallback reply.",
                validators=[MinValueValidator(1.0), MaxValueValidator(600.0)],
            ),
        ),
        migrations.AlterField(
            model_name="httptool",
            name="timeout_seconds",
            field=models.FloatField(
                default=5.0,
                help_text="At most the agent's time budget; a call also stops when the turn's time is up.",
                validators=[MinValueValidator(0.1), MaxValueValidator(600.0)],
            ),
        ),
    ]
