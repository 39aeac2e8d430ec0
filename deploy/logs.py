"""supervisord's log listener: every program's output, one line at a time with its name.

supervisord sends each chunk a program writes as a PROCESS_LOG event (its event listener
protocol: READY, a header line, the payload, then RESULT). The header's "len" counts the
payload's characters, not its bytes, so the payload is read as text. Whole lines go to stderr, which
supervisord passes to its own output, as "[program] line", without any query string or
control character (``serve.log_line``); deploy/serve.py reads them from there.
"""

from __future__ import annotations

import io
import sys

from deploy.serve import log_line

# The longest unfinished line kept for a program; past that it is written as it is.
LONGEST = 16 * 1024


def _fields(line: str) -> dict[str, str]:
    return dict(token.split(":", 1) for token in line.split() if ":" in token)


def main() -> None:
    events = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline="")
    answers, out = sys.stdout.buffer, sys.stderr
    unfinished: dict[str, str] = {}
    while True:
        answers.write(b"READY\n")
        answers.flush()
        header = events.readline()
        if not header:
            return
        payload = events.read(int(_fields(header).get("len", "0")))
        head, _, data = payload.partition("\n")
        name = _fields(head).get("processname", "?")
        *lines, rest = (unfinished.pop(name, "") + data).split("\n")
        if len(rest) > LONGEST:
            lines.append(rest)
        elif rest:
            unfinished[name] = rest
        for line in lines:
            out.write(log_line(name, line) + "\n")
        out.flush()
        answers.write(b"RESULT 2\nOK")
        answers.flush()


if __name__ == "__main__":
    main()
