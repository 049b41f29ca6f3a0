"""Tasks that the worker tests enqueue (importable by module path, as a worker needs)."""

from django.tasks import task


@task
def add(a: int, b: int) -> int:
    return a + b
