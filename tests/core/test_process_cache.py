"""core.process_cache: reference data kept per process for a while."""

from core import process_cache
from core.process_cache import ProcessCache


def test_a_value_is_computed_once_and_again_after_its_seconds(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(process_cache.time, "monotonic", lambda: now[0])
    cache = ProcessCache(seconds=60)
    computed = []

    def compute():
        computed.append(len(computed))
        return len(computed)

    assert cache.get("key", compute) == 1
    now[0] += 59
    assert cache.get("key", compute) == 1
    now[0] += 2
    assert cache.get("key", compute) == 2
    assert len(computed) == 2


def test_an_expired_key_is_dropped_when_another_is_kept(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(process_cache.time, "monotonic", lambda: now[0])
    cache = ProcessCache(seconds=60)
    cache.get("monday", lambda: "a")
    now[0] += 61
    cache.get("tuesday", lambda: "b")
    assert list(cache._values) == ["tuesday"]


def test_forget_drops_every_value():
    cache = ProcessCache(seconds=60)
    cache.get("key", lambda: "old")
    cache.forget()
    assert cache.get("key", lambda: "new") == "new"
