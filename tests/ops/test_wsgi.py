"""The WSGI application as an app server's worker loads it (portal/wsgi.py)."""

import subprocess
import sys

import pytest

from tests.ops.conftest import BASE_DIR, service_environment

# Whether the process read the compounds lexicon, and whether it holds words.
PROBE = (
    "import portal.wsgi\n"
    "from directory import compounds\n"
    "read = compounds._lexicon\n"
    "print(read is not None, bool(read and read.begin))\n"
)
# What the process left to the garbage collector.
GC_PROBE = "import gc, portal.wsgi\nprint(gc.get_freeze_count(), gc.get_threshold()[0])\n"


def probed(probe=PROBE, **environment):
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", probe],
        cwd=BASE_DIR,
        env=service_environment(**environment),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.split()


@pytest.mark.parametrize("standin", ["false", "true"])
def test_a_worker_reads_the_lexicon_before_its_first_request_unless_it_is_the_standin(
    standin, tmp_path
):
    """The lexicon takes about a second and a half to read: read on the first search,
    it made that visitor wait on every new worker. The stand-in OP serves no search."""
    loaded, has_words = probed(
        STANDIN_SERVICE=standin, DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}"
    )
    if standin == "true":
        assert loaded == "False"
    else:
        assert (loaded, has_words) == ("True", "True")


def test_a_worker_freezes_what_it_loaded_and_collects_the_first_generation_less_often(
    tmp_path,
):
    """A full collection no longer walks the modules and the lexicon, and a search's
    objects die with its response before the collector walks them (portal/wsgi.py)."""
    frozen, threshold = probed(GC_PROBE, DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    assert int(frozen) > 100_000
    assert int(threshold) == 10_000
