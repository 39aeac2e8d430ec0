"""The host a browser opens for an http(s) address, per the WHATWG URL Standard.

Only the parts of the URL parser that decide the scheme, the host and whether the
address is valid are here: path, query and fragment parsing can never fail, so
they are skipped. Hosts go through the Standard's host parser: percent-decoding,
UTS #46 mapping and Punycode (with the `idna` package's mapping table), IPv4
number forms and IPv6. Nothing here touches the network.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import idna
from idna.core import valid_contextj

WEB_SCHEMES = ("http", "https")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+\-.]*:")
_TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_FORBIDDEN_HOST = set("\x00\t\n\r #/:<>?@[\\]^|")
_FORBIDDEN_DOMAIN = _FORBIDDEN_HOST | set(map(chr, range(0x20))) | {"%", "\x7f"}
_BIDI_RTL = ("R", "AL", "AN")


@dataclass(frozen=True)
class WebAddress:
    """The scheme, host and port of a parsed http(s) address."""

    scheme: str
    host: str
    port: int | None


def browser_host(text: str) -> str | None:
    """Return the host a browser would open for an absolute http(s) address, or None."""
    address = parse(text)
    return address.host if address else None


def parse(text: str, base: str | None = None) -> WebAddress | None:
    """Parse text (against base, if given) as a browser would; None unless valid http(s)."""
    base_address = parse(base) if base is not None else None
    text = _scalar_values(text).strip(_C0_OR_SPACE).translate(_TAB_OR_NEWLINE)
    match = _SCHEME.match(text)
    if match:
        scheme, rest = match.group()[:-1].lower(), text[match.end():]
        if scheme not in WEB_SCHEMES:
            return None
        if base_address is None or base_address.scheme != scheme:
            return _authority(scheme, rest.lstrip("/\\"))
    elif base_address is None:
        return None
    else:
        scheme, rest = base_address.scheme, text
    if rest[:1] in ("/", "\\") and rest[1:2] in ("/", "\\"):
        return _authority(scheme, rest.lstrip("/\\"))
    return base_address


def scheme_of(text: str) -> str | None:
    """Return the lower-case scheme a browser would read at the start of text, or None."""
    match = _SCHEME.match(text.strip(_C0_OR_SPACE).translate(_TAB_OR_NEWLINE))
    return match.group()[:-1].lower() if match else None


def _scalar_values(text: str) -> str:
    """Replace lone surrogates with U+FFFD, as browsers do before parsing."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _authority(scheme: str, rest: str) -> WebAddress | None:
    authority = re.split(r"[/?#\\]", rest, maxsplit=1)[0]
    _, at_sign, host_port = authority.rpartition("@")
    if at_sign and not host_port:
        return None
    host_text, port_text = _split_port(host_port)
    if not host_text:
        return None
    host = parse_host(host_text)
    if host is None:
        return None
    if port_text is None or port_text == "":
        return WebAddress(scheme, host, None)
    if not port_text.isascii() or not port_text.isdigit() or int(port_text) > 65535:
        return None
    port = int(port_text)
    return WebAddress(scheme, host, None if port == _default_port(scheme) else port)


def _split_port(host_port: str) -> tuple[str, str | None]:
    inside_brackets = False
    for index, char in enumerate(host_port):
        if char == "[":
            inside_brackets = True
        elif char == "]":
            inside_brackets = False
        elif char == ":" and not inside_brackets:
            return host_port[:index], host_port[index + 1:]
    return host_port, None


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def parse_host(text: str) -> str | None:
    """Return the serialised host of a special URL's host text, or None if it is invalid."""
    if text.startswith("["):
        if not text.endswith("]"):
            return None
        pieces = _ipv6(text[1:-1])
        return None if pieces is None else "[" + _ipv6_text(pieces) + "]"
    domain = _percent_decode(text).decode("utf-8", "replace")
    ascii_domain = domain_to_ascii(domain)
    if ascii_domain is None or any(c in _FORBIDDEN_DOMAIN for c in ascii_domain):
        return None
    if _ends_in_a_number(ascii_domain):
        number = _ipv4(ascii_domain)
        return None if number is None else ".".join(str(b) for b in number.to_bytes(4, "big"))
    return ascii_domain


def _percent_decode(text: str) -> bytes:
    data = text.encode("utf-8")
    out = bytearray()
    index = 0
    while index < len(data):
        hex_pair = data[index + 1:index + 3]
        if data[index] == 0x25 and len(hex_pair) == 2 and _is_hex(hex_pair):
            out.append(int(hex_pair, 16))
            index += 3
        else:
            out.append(data[index])
            index += 1
    return bytes(out)


def _is_hex(pair: bytes) -> bool:
    return all(chr(b) in "0123456789abcdefABCDEF" for b in pair)


def domain_to_ascii(domain: str) -> str | None:
    """UTS #46 ToASCII as the URL Standard calls it (not strict); None on failure.

    An ASCII domain is only lower-cased, even with an invalid "xn--" label such as
    "a.b.c.xn--pokxncvks": browsers (and ada, the oracle in the tests) keep such hosts.
    """
    if domain.isascii():
        return domain.lower() or None
    if _newer_than_python(domain):
        return None
    try:
        mapped = idna.uts46_remap(domain, std3_rules=False)
    except idna.IDNAError:
        return None
    labels = [_to_unicode(label) for label in mapped.split(".")]
    if any(label is None for label in labels):
        return None
    bidi_domain = any(unicodedata.bidirectional(c) in _BIDI_RTL for label in labels for c in label)
    if not all(_valid_label(label, bidi_domain) for label in labels):
        return None
    result = ".".join(label if label.isascii() else "xn--" + label.encode("punycode").decode()
                      for label in labels)
    return result or None


def _newer_than_python(text: str) -> bool:
    """True if text has a code point Python's Unicode data does not know (category Cn).

    The idna package's mapping table may be newer, but the mark and bidi checks use
    Python's data, so such a code point is refused rather than checked with guesses.
    """
    return any(unicodedata.category(char) == "Cn" for char in text)


def _to_unicode(label: str) -> str | None:
    """Decode an A-label; return None if it is not valid Punycode for a non-ASCII label."""
    if not label.startswith("xn--"):
        return label
    if not label.isascii():
        return None
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except UnicodeError:
        return None
    if not decoded or decoded.isascii():
        return None
    return decoded if _is_remapped_unchanged(decoded) else None


def _is_remapped_unchanged(label: str) -> bool:
    """True if every code point is valid (or a deviation) under UTS #46 and the label is NFC."""
    try:
        return idna.uts46_remap(label, std3_rules=False) == label
    except idna.IDNAError:
        return False


def _valid_label(label: str, bidi_domain: bool) -> bool:
    """UTS #46 validity criteria with CheckHyphens off, CheckJoiners and CheckBidi on."""
    if not label:
        return True
    if _newer_than_python(label):
        return False
    if label.startswith("xn--") or unicodedata.category(label[0]).startswith("M"):
        return False
    for position, char in enumerate(label):
        if char in "\u200c\u200d":
            try:
                if not valid_contextj(label, position):
                    return False
            except (idna.IDNAError, ValueError):
                return False
    if bidi_domain:
        try:
            idna.check_bidi(label, check_ltr=True)
        except idna.IDNAError:
            return False
    return True


def _ends_in_a_number(domain: str) -> bool:
    parts = domain.split(".")
    if parts[-1] == "":
        if len(parts) == 1:
            return False
        parts.pop()
    last = parts[-1]
    if last and last.isascii() and last.isdigit():
        return True
    return _ipv4_number(last) is not None


def _ipv4_number(text: str) -> int | None:
    if not text:
        return None
    radix = 10
    if text[:2] in ("0x", "0X"):
        radix, text = 16, text[2:]
    elif len(text) >= 2 and text[0] == "0":
        radix, text = 8, text[1:]
    if not text:
        return 0
    digits = "0123456789abcdef"[:radix]
    if not all(c in digits for c in text.lower()):
        return None
    return int(text, radix)


def _ipv4(domain: str) -> int | None:
    parts = domain.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if len(parts) > 4:
        return None
    numbers = [_ipv4_number(part) for part in parts]
    if any(n is None for n in numbers):
        return None
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    address = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        address += number * 256 ** (3 - index)
    return address


def _ipv6(text: str) -> list[int] | None:
    """The URL Standard's IPv6 parser; the eight pieces, or None on failure."""
    pieces = [0] * 8
    index, compress, pointer = 0, None, 0
    if text.startswith(":"):
        if not text.startswith("::"):
            return None
        pointer, index = 2, 1
        compress = index
    while pointer < len(text):
        if index == 8:
            return None
        if text[pointer] == ":":
            if compress is not None:
                return None
            pointer += 1
            index += 1
            compress = index
            continue
        value = length = 0
        while length < 4 and pointer < len(text) and text[pointer] in "0123456789abcdefABCDEF":
            value = value * 16 + int(text[pointer], 16)
            pointer += 1
            length += 1
        if pointer < len(text) and text[pointer] == ".":
            if length == 0:
                return None
            pointer -= length
            if index > 6:
                return None
            index = _ipv6_embedded_ipv4(text, pointer, pieces, index)
            if index is None:
                return None
            break
        if pointer < len(text) and text[pointer] == ":":
            pointer += 1
            if pointer == len(text):
                return None
        elif pointer < len(text):
            return None
        pieces[index] = value
        index += 1
    if compress is not None:
        swaps = index - compress
        index = 7
        while index != 0 and swaps > 0:
            other = compress + swaps - 1
            pieces[index], pieces[other] = pieces[other], pieces[index]
            index -= 1
            swaps -= 1
    elif index != 8:
        return None
    return pieces


def _ipv6_embedded_ipv4(text: str, pointer: int, pieces: list[int], index: int) -> int | None:
    numbers_seen = 0
    while pointer < len(text):
        value = None
        if numbers_seen > 0:
            if text[pointer] == "." and numbers_seen < 4:
                pointer += 1
            else:
                return None
        if pointer >= len(text) or not text[pointer].isascii() or not text[pointer].isdigit():
            return None
        while pointer < len(text) and text[pointer].isascii() and text[pointer].isdigit():
            number = int(text[pointer])
            if value is None:
                value = number
            elif value == 0:
                return None
            else:
                value = value * 10 + number
            if value > 255:
                return None
            pointer += 1
        pieces[index] = pieces[index] * 0x100 + value
        numbers_seen += 1
        if numbers_seen in (2, 4):
            index += 1
    return index if numbers_seen == 4 else None


def _ipv6_text(pieces: list[int]) -> str:
    best_start, best_length = None, 1
    start = None
    for position, piece in enumerate(pieces + [1]):
        if piece == 0 and start is None:
            start = position
        elif piece != 0 and start is not None:
            if position - start > best_length:
                best_start, best_length = start, position - start
            start = None
    if best_start is None:
        return ":".join(f"{p:x}" for p in pieces)
    head = ":".join(f"{p:x}" for p in pieces[:best_start])
    tail = ":".join(f"{p:x}" for p in pieces[best_start + best_length:])
    return head + "::" + tail
