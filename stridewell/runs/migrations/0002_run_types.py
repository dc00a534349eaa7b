# Run types and indoor runs: the fields, then every existing run classified once.

from django.db import migrations, models

CHUNK = 500
FIELDS = ("sport", "name", "notes", "elapsed_s", "moving_s", "distance_m", "avg_hr", "laps")


def _classify(run, history, facts_cls, automatic_type, is_indoor, unpack):
    try:
        streams = unpack(run.streams_blob) if run.streams_blob else None
    except ValueError:  # a damaged blob: judge the run on its summary alone
        streams = None
    facts = facts_cls(**{name: getattr(run, name) for name in FIELDS})
    run.run_type = automatic_type(facts, streams, history)
    run.indoor = is_indoor(
        name=run.name,
        streams=streams if run.source != "manual" else None,
        distance_m=run.distance_m,
        sport=run.sport,
    )


def classify_existing(apps, schema_editor):
    """Per person: their history once, then their runs in chunks of CHUNK (pks first,
    so no cursor stays open on the table being updated), written with bulk_update."""
    from stridewell.runs.run_types import History, RunFacts, automatic_type, is_indoor
    from stridewell.runs.streams import unpack

    Run = apps.get_model("runs", "Run")
    Profile = apps.get_model("accounts", "Profile")
    max_hr = dict(Profile.objects.exclude(max_hr=None).values_list("user_id", "max_hr"))
    user_ids = list(Run.objects.order_by().values_list("user_id", flat=True).distinct())
    for user_id in user_ids:
        runs = Run.objects.filter(user_id=user_id)
        rows = runs.values_list("sport", "run_type", "elapsed_s", "moving_s", "distance_m", "max_hr")
        history = History.from_rows(rows, max_hr.get(user_id))
        pks = list(runs.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), CHUNK):
            chunk = pks[start : start + CHUNK]
            batch = list(
                Run.objects.filter(pk__in=chunk).only(*FIELDS, "source", "streams_blob")
            )
            for run in batch:
                _classify(run, history, RunFacts, automatic_type, is_indoor, unpack)
            Run.objects.bulk_update(batch, ["run_type", "indoor"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("runs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="run",
            name="indoor",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="run",
            name="indoor_by_user",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="run",
            name="run_type",
            field=models.CharField(
                blank=True,
                choices=[
                    ("easy", "Easy"),
                    ("long", "Long"),
                    ("tempo", "Tempo"),
                    ("intervals", "Intervals"),
                    ("sprints", "Sprints"),
                    ("race", "Race"),
                    ("run_walk", "Run-walk"),
                    ("walk", "Walk"),
                ],
                default="",
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="run",
            name="run_type_by_user",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(classify_existing, migrations.RunPython.noop, elidable=True),
    ]
