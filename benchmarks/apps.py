from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """The reproducible benchmark (`manage.py benchmark`); installed only when enabled."""

    name = "benchmarks"
    verbose_name = "Benchmarks"
