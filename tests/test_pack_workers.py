"""The pack's worker processes: never started by a worker's warm-up (real directory)."""

import pytest

from takedown import letters, pdf


def test_a_workers_warm_up_pack_starts_no_pack_workers(monkeypatch):
    monkeypatch.setattr(pdf, "PACK_WORKERS", 1)
    monkeypatch.setattr(pdf, "_idle", lambda: True)
    monkeypatch.setattr(pdf, "_pool_start", lambda: pytest.fail("a pool was started"))
    letters.warm_up()


def test_a_pack_worker_killed_loses_no_pack(monkeypatch):
    """A pack worker gone (killed, out of memory) breaks its pool: the pack is made here
    instead, and the next pack starts a new pool rather than failing for ever."""
    import os
    import signal
    from datetime import date

    from takedown.case import parse_case
    from tests.helpers import a_letter_case, pdf_text

    monkeypatch.setattr(pdf, "PACK_WORKERS", 1)
    monkeypatch.setattr(pdf, "_idle", lambda: True)
    monkeypatch.setattr(pdf, "_pool", None)
    case = parse_case(a_letter_case())
    today = date(2026, 11, 25)
    try:
        first = pdf._pool_start()
        first.submit(int).result()  # a worker is running
        for pid in list(first._processes):
            os.kill(pid, signal.SIGKILL)
        made = letters.render_pdf("pack", case, today=today)
        assert made.startswith(b"%PDF") and "Page 1 of" in pdf_text(made)
        assert pdf._pool is not first
        again = letters.render_pdf("pack", case, today=today)
        assert again.startswith(b"%PDF")
        assert pdf._pool is not None and pdf._pool is not first
    finally:
        if pdf._pool is not None:
            pdf._pool.shutdown()
