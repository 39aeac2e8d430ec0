"""gunicorn warms each worker with a full pack: it must work with the real data files."""

import importlib.util
from pathlib import Path

from takedown import letters


def test_warm_up_renders_a_pack_with_the_real_directory_and_laws(monkeypatch):
    rendered = []
    real = letters.render_pdf
    monkeypatch.setattr(letters, "render_pdf",
                        lambda *args, **kwargs: rendered.append(real(*args, **kwargs)))
    letters.warm_up()
    assert len(rendered) == 1 and rendered[0].startswith(b"%PDF")


def test_gunicorn_warms_each_worker_before_it_serves(monkeypatch):
    path = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
    spec = importlib.util.spec_from_file_location("gunicorn_conf", path)
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    calls = []
    monkeypatch.setattr(letters, "warm_up", lambda: calls.append(True))
    conf.post_worker_init(worker=None)
    assert calls == [True]
    assert conf.worker_class == "gthread" and conf.timeout > 0
