"""The `flask letters render` command."""

import json

import pytest
from flask import Flask

from takedown.web import cli
from tests.helpers import a_letter_case as case_data
from tests.helpers import pdf_text

pytestmark = pytest.mark.usefixtures("small_directory")


@pytest.fixture
def runner():
    app = Flask(__name__)
    cli.init_app(app)
    return app.test_cli_runner()


def write_case(tmp_path, data) -> str:
    path = tmp_path / "case.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_render_platform_without_slug_writes_one_letter_per_platform(runner, tmp_path):
    data = case_data(locations=[
        {"url": "https://www.instagram.com/p/A/", "platform": "instagram"},
        {"url": "https://chatapp.example/m/1", "platform": "chatapp"},
        {"url": "https://forum.example.org/x"},
    ])
    out = tmp_path / "out"
    result = runner.invoke(args=["letters", "render", write_case(tmp_path, data),
                                 "--kind", "platform", "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["takedown-TD-7KQ2-M9XP-chatapp.pdf", "takedown-TD-7KQ2-M9XP-instagram.pdf"]
    assert "ChatApp" in pdf_text((out / names[0]).read_bytes())


@pytest.mark.parametrize("kind", ["school", "iwf", "pack"])
def test_render_other_kinds(runner, tmp_path, kind):
    out = tmp_path / "out"
    result = runner.invoke(args=["letters", "render", write_case(tmp_path, case_data()),
                                 "--kind", kind, "--out", str(out)])
    assert result.exit_code == 0, result.output
    [written] = out.iterdir()
    assert written.name == f"takedown-TD-7KQ2-M9XP-{kind}.pdf"
    assert written.read_bytes().startswith(b"%PDF")


def test_render_one_platform(runner, tmp_path):
    result = runner.invoke(args=["letters", "render", write_case(tmp_path, case_data()),
                                 "--kind", "platform", "--platform", "instagram",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "takedown-TD-7KQ2-M9XP-instagram.pdf").exists()


@pytest.mark.parametrize("content, message", [
    ("{not json", "is not valid JSON"),
    ("[]", "is not a valid case"),
    (json.dumps(case_data(jurisdiction="mars", locations=[])),
     "- jurisdiction: must be one of"),
])
def test_bad_case_files_give_a_clear_error_without_traceback(runner, tmp_path, content, message):
    result = runner.invoke(args=["letters", "render", write_case(tmp_path, content),
                                 "--kind", "pack", "--out", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_invalid_case_lists_every_field_error(runner, tmp_path):
    data = case_data(jurisdiction="mars", locations=[])
    result = runner.invoke(args=["letters", "render", write_case(tmp_path, data),
                                 "--kind", "pack", "--out", str(tmp_path)])
    assert "- jurisdiction:" in result.output and "- locations:" in result.output


def test_missing_file_and_missing_fields_are_clear_errors(runner, tmp_path):
    result = runner.invoke(args=["letters", "render", str(tmp_path / "nope.json"),
                                 "--kind", "pack", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "nope.json" in result.output
    data = case_data(requester={"role": "parent"})
    data["requester"] = {"role": "parent"}
    result = runner.invoke(args=["letters", "render", write_case(tmp_path, data),
                                 "--kind", "platform", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "requester.name" in result.output and "Traceback" not in result.output


def test_unknown_platform_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(args=["letters", "render", write_case(tmp_path, case_data()),
                                 "--kind", "platform", "--platform", "chatapp",
                                 "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "platform: is not one of the places in this case" in result.output
