"""The pack's worker processes: never started by a worker's warm-up (real directory)."""

import pytest

from takedown import letters, pdf


def test_a_workers_warm_up_pack_starts_no_pack_workers(monkeypatch):
    monkeypatch.setattr(pdf, "PACK_WORKERS", 1)
    monkeypatch.setattr(pdf, "_idle", lambda: True)
    monkeypatch.setattr(pdf, "_pool_start", lambda: pytest.fail("a pool was started"))
    letters.warm_up()
