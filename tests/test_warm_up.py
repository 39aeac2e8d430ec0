"""gunicorn warms each worker with a full pack: it must work with the real data files."""

import importlib.util
from pathlib import Path

from deploy import serve
from takedown import letters


def test_warm_up_renders_a_pack_with_the_real_directory_and_laws(monkeypatch):
    rendered = []
    real = letters.render_pdf
    monkeypatch.setattr(letters, "render_pdf",
                        lambda *args, **kwargs: rendered.append(real(*args, **kwargs)))
    letters.warm_up()
    assert len(rendered) == 1 and rendered[0].startswith(b"%PDF")


def gunicorn_conf():
    path = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
    spec = importlib.util.spec_from_file_location("gunicorn_conf", path)
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    return conf


def test_gunicorn_warms_each_worker_before_it_serves(monkeypatch):
    conf = gunicorn_conf()
    calls = []
    monkeypatch.setattr(letters, "warm_up", lambda: calls.append(True))
    conf.post_worker_init(worker=None)
    assert calls == [True]
    assert conf.worker_class == "gthread" and conf.timeout > 0


def test_only_a_test_stack_starts_its_letter_workers_cold(monkeypatch):
    calls = []
    monkeypatch.setattr(letters, "warm_up", lambda: calls.append(True))
    monkeypatch.setenv("TAKEDOWN_WARM_UP", "0")
    gunicorn_conf().post_worker_init(worker=None)
    assert calls == []
    made = serve.Stack()  # as make serve makes it
    cold = serve.Stack(warm_up=False)
    try:
        assert not any("TAKEDOWN_WARM_UP" in program.get("environment", {})
                       for program in made.programs().values())
        assert {name for name, program in cold.programs().items()
                if program.get("environment", {}).get("TAKEDOWN_WARM_UP") == "0"} \
            == {"letters-0", "packs-0", "pages-0", "pages-b-0"}
    finally:
        made.stop()
        cold.stop()
