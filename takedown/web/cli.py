"""Command-line tools: ``flask letters render CASE.json --kind ... --out DIR``.

The only letters code that imports Flask or click. Problems with the input are
reported as click errors (a message and exit status, no traceback).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from takedown import letterkinds, letters
from takedown.case import CaseInvalid, CaseUnreadable, loads
from takedown.jsontext import NOT_AN_OBJECT

PLATFORM_KINDS = tuple(kind.slug for kind in letterkinds.KINDS if kind.takes_platform)
letters_cli = AppGroup("letters", help="Make letters from a case file.")


def init_app(app: Flask) -> None:
    """Register the command-line tools."""
    app.cli.add_command(letters_cli)


def _or(words) -> str:
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else "".join(words)


def _field_list(errors) -> str:
    return "\n".join(f"  - {error.field}: {error.message}" for error in errors)


def _read_case(path: Path):
    try:
        return loads(path.read_bytes(), today=date.today(), from_file=True)
    except OSError as error:
        raise click.FileError(str(path), hint=error.strerror or str(error)) from None
    except CaseUnreadable as error:
        if error.reason == NOT_AN_OBJECT:
            raise click.ClickException(f"{path} is not a valid case: it must be a JSON "
                                       "object") from None
        raise click.BadParameter(error.reason, param_hint=str(path)) from None
    except CaseInvalid as error:
        raise click.ClickException(
            f"{path} is not a valid case:\n{_field_list(error.errors)}") from None


@letters_cli.command("render")
@click.argument("case_file", metavar="CASE.json", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--kind", required=True, type=click.Choice(letters.KINDS),
              help="Which letter to make.")
@click.option("--platform", "platform", default=None, metavar="SLUG",
              help=f"For --kind {_or(PLATFORM_KINDS)}: the platform's slug. "
                   "Leave it out for one letter per platform.")
@click.option("--out", "out_dir", required=True,
              type=click.Path(path_type=Path, file_okay=False), help="Folder to write the PDFs to.")
def render(case_file: Path, kind: str, platform: str | None, out_dir: Path) -> None:
    """Render letters for CASE.json as PDF files in the --out folder."""
    case = _read_case(case_file)
    if platform and kind not in PLATFORM_KINDS:
        raise click.UsageError("--platform is only for --kind " + ", ".join(PLATFORM_KINDS))
    chosen = letterkinds.get(kind)
    wanted = chosen.platforms(case) if chosen.takes_platform and platform is None else [platform]
    if not wanted:
        raise click.ClickException(f"this case has no {kind} letter")
    try:
        made = [letters.make(kind, case, slug, today=date.today(), now=datetime.now(UTC))
                for slug in wanted]
    except letters.LetterUnavailable as error:
        raise click.ClickException(
            f"cannot make this letter:\n{_field_list(error.errors)}") from None
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise click.FileError(str(out_dir), hint=error.strerror or str(error)) from None
    for letter in made:
        target = out_dir / letter.filename
        target.write_bytes(letter.pdf)
        click.echo(f"wrote {target}")
