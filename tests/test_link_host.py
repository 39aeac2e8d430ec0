"""The host a browser would open for a pasted link, and so the platform it names."""

import pytest

from takedown.platforms import host_of, identify


@pytest.mark.parametrize("text, host", [
    ("https://evil.example\\@instagram.com/", "evil.example"),
    ("https://instagram.com\\@evil.example/", "instagram.com"),
    ("https://user:pw@instagram.com@evil.example/", "evil.example"),
    ("https://instagram.com%2f@evil.example/", "evil.example"),
    ("https://evil.example#@instagram.com", "evil.example"),
    ("https://evil.example?@instagram.com", "evil.example"),
    ("http://0x7f.1/", "127.0.0.1"),
    ("http://2130706433/", "127.0.0.1"),
    ("http://0177.0.0.01/", "127.0.0.1"),
    ("https://insta%67ram.com/", "instagram.com"),
    ("https://instagram%2Ecom/", "instagram.com"),
    ("https://instagram\u3002com/", "instagram.com"),
    ("https://\uff29\uff2e\uff33\uff34\uff21\uff27\uff32\uff21\uff2d\uff0e\uff43\uff4f\uff4d/",
     "instagram.com"),
    ("https://insta\u200bgram.com/", "instagram.com"),
    ("\x01 https://instagram.com/ \x1f", "instagram.com"),
    ("ht\ttps://insta\ngram.com/", "instagram.com"),
    ("https:\\\\instagram.com\\p\\x", "instagram.com"),
    ("https:instagram.com/p/x", "instagram.com"),
    ("https://\u0131nstagram.com/", "xn--nstagram-skb.com"),
    ("https://EX\u00c4MPLE.com/", "xn--exmple-cua.com"),
    ("https://instagram.com:443/", "instagram.com"),
    ("https://instagram.com:/", "instagram.com"),
])
def test_the_host_a_browser_opens(text, host):
    assert host_of(text) == host


@pytest.mark.parametrize("text", [
    "https://instagram.com:99999/",
    "https://instagram.com:65536/",
    "https://instagram.com:80a/",
    "https://instagram.com: 80/",
    "https://instagram.com:\uff18\uff10/",
    "https://insta\x00gram.com/",
    "https://insta\x7fgram.com/",
    "https://insta\x1bgram.com/",
    "https://insta gram.com/",
    "https://insta\u00a0gram.com/",
    "https://instagram.com%2fevil.example/",
    "https://instagram.com%40evil.example/",
    "https://instagram.com%00/",
    "https://insta%zzgram.com/",
    "https://instagram.com\ufffd/",
    "https://xn--a\u00e4.com/",
    "https://a\u0301\u05d0.com/",
    "https://instagram.com@/",
    "https://@/",
    "https://:443/",
    "https://[::1/",
    "https://[::1::2]/",
    "http://1.2.3.4.5/",
    "http://256.256.256.256/",
    "http://0x100000000/",
    "javascript:alert(1)//instagram.com",
    "ftp://instagram.com/",
    " Java\tScript:alert(1)//instagram.com",
    "1http://x",
    "http://[::ffff:127.0.0.1]/",
])
def test_not_a_valid_web_address(text):
    assert host_of(text) is None


@pytest.mark.parametrize("text, slug", [
    ("https://evil.example\\@instagram.com", None),
    ("https://evil.example\\@instagram.com/p/x", None),
    ("https://instagram.com\\@evil.example", "instagram"),
    ("https://instagram.com\\.evil.example/", "instagram"),
    ("https://user:pw@instagram.com@evil.example/", None),
    ("https://instagram.com%40evil.example/", None),
    ("https://instagram.com%2fevil.example/", None),
    ("https://instagram.com:99999/p/x", None),
    ("https://instagram.com:443x/p/x", None),
    ("https://instagram.com:443/p/x", "instagram"),
    ("instagram.com:443/p/x", "instagram"),
    ("https://insta\x00gram.com/", None),
    ("https://insta\x7fgram.com/", None),
    ("https://insta\tgram.com/p/x", "instagram"),
    ("\x00https://instagram.com/p/x\x1f", "instagram"),
    ("https://instagram.com.evil.example", None),
    ("https://instagram\u3002com.evil.example/", None),
    ("instagram\u3002com/p/x", "instagram"),
    ("https://instagram\uff0ecom/p/x", "instagram"),
    ("https://\uff49\uff4e\uff53\uff54\uff41\uff47\uff52\uff41\uff4d.com/", "instagram"),
    ("https://insta%67ram.com/p/x", "instagram"),
    ("https:\\\\www.tiktok.com\\@someone", "tiktok"),
    ("https://instagram..com/", None),
    ("http://0x7f.1/", None),
    ("java\tscript:alert(1)//instagram.com", None),
    ("https://instagram.com/p/a b", "instagram"),
    ("https://insta gram.com/p/x", None),
])
def test_identify_uses_the_host_a_browser_opens(text, slug):
    found = identify(text)
    assert (found.slug if found else None) == slug


def test_host_of_keeps_pasted_shapes_without_a_scheme():
    assert host_of("www.tiktok.com/@a/video/1") == "www.tiktok.com"
    assert host_of("Instagram.com./p/abc") == "instagram.com"
    assert host_of("//instagram.com/p/abc") == "instagram.com"
    assert host_of("http://0x7f.1/") == "127.0.0.1"
    assert host_of("@instagram.com") is None

    assert host_of("instagram.com/no-scheme") == "instagram.com"


def test_a_lone_surrogate_is_read_as_a_replacement_character_not_an_error():
    assert host_of("https://instagram.com/p/\ud800") == "instagram.com"
    assert host_of("https://insta\udc00gram.com/") is None
