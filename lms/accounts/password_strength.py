"""Is a new password one an attacker tries first? Offline rules, and optionally a range API.

Offline (always): the 30,000 most common passwords of public breach corpora (the ``passwords``
frequency list that ships with the zxcvbn package, MIT) and a list of our own with German and
shop-floor favourites (``common_passwords.txt``), both compared after stripping digits and
symbols at both ends and undoing letter-for-digit swaps; the person's own name and address
and the platform's name, keyboard and alphabet runs, and repeated characters or chunks.

Online (when ``ATLAS_PWNED_RANGE_URL`` is set): the k-anonymity range API of Have I Been Pwned
or a compatible mirror. Only the first five hex digits of the password's SHA-1 leave the
server; the answer lists the suffixes seen in breaches. A slow or broken service never stops a
person from choosing a password: after ``ATLAS_PWNED_TIMEOUT_SECONDS`` the check is skipped and
a warning is logged (fail open), the offline rules still apply.
"""

import functools
import hashlib
import http.client
import logging
import re
import unicodedata
import urllib.request
from importlib.resources import files

from flask import current_app
from flask_babel import gettext as _

log = logging.getLogger(__name__)

PLATFORM_WORDS = ("atlas", "campus", "atlascampus")
#: Keyboard rows (German and English layouts) and the alphabet; runs either way are weak.
ROWS = ("1234567890", "qwertzuiopü", "qwertyuiop", "asdfghjklöä", "yxcvbnm", "zxcvbnm",
        "abcdefghijklmnopqrstuvwxyz", "1qaz2wsx3edc4rfv5tgb6zhn7ujm", "qaywsxedcrfvtgbzhnujmik")
RUN = 4
#: Letter-for-digit swaps (p4ssw0rd), undone inside a password before comparing.
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
                      "@": "a", "$": "s", "€": "e", "!": "i", "|": "i"})
MIN_OWN_LETTERS = 4


@functools.cache
def common_passwords() -> frozenset[str]:
    text = files("lms.accounts").joinpath("common_passwords.txt").read_text("utf-8")
    words = {line.strip().lower() for line in text.splitlines()
             if line.strip() and not line.startswith("#")}
    words |= {word.lower() for word in breached_passwords()}
    return frozenset(words | {_core(word) for word in words} - {""})


def breached_passwords() -> list[str]:
    """The most common passwords of public breach corpora, most frequent first (zxcvbn)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return FREQUENCY_LISTS["passwords"]


def _fold(text: str) -> str:
    """Lowercase, German umlauts spelt out, other accents dropped, separators removed."""
    text = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace(
        "ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch) and not ch.isspace()
                   and ch not in "._-+*#~,;:'\"/\\")


def _core(password: str) -> str:
    """The word inside: ``"Passw0rt2024!"`` → ``"passwort"``."""
    folded = _fold(password)
    stripped = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", folded)
    return stripped.translate(LEET)


def _is_pattern(password: str) -> bool:
    """Keyboard or alphabet runs, few distinct characters, or one chunk repeated."""
    text = _fold(password)
    if len(set(text)) <= 3:
        return True
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return True
    covered = [False] * len(text)
    for row in ROWS:
        for line in (row, row[::-1]):
            for start in range(len(text) - RUN + 1):
                for end in range(len(text), start + RUN - 1, -1):
                    if text[start:end] in line:
                        for index in range(start, end):
                            covered[index] = True
                        break
    # digits and symbols around a run ("qwertz123!") add little: count them as covered
    rest = [ch for ch, done in zip(text, covered, strict=True) if not done]
    return any(covered) and sum(ch.isalpha() for ch in rest) < MIN_OWN_LETTERS


def _own_words(email: str, name: str) -> list[str]:
    words = set(PLATFORM_WORDS)
    local, _sep, domain = (email or "").lower().partition("@")
    for part in [local, *re.split(r"[._+-]", local), *domain.split("."),
                 *re.split(r"[\W\d_]+", name or "")]:
        part = _fold(part)
        if len(part) >= 3:
            words.add(part)
    return sorted(words, key=len, reverse=True)


def _is_personal(password: str, email: str, name: str) -> bool:
    """Mostly the person's name, address or the platform's name, with digits or symbols.

    Words are looked for as typed and with digit swaps undone ("Ays3Demir"); what counts
    is how many letters of the password are left outside them.
    """
    plain = _fold(password).replace("@", "")
    swapped = plain.translate(LEET)  # one character for one: positions stay
    covered = [False] * len(plain)
    for variant in (plain, swapped):
        for word in _own_words(email, name):
            start = variant.find(word)
            while start != -1:
                covered[start:start + len(word)] = [True] * len(word)
                start = variant.find(word, start + 1)
    left = sum(ch.isalpha() for ch, done in zip(plain, covered, strict=True) if not done)
    return any(covered) and left < MIN_OWN_LETTERS


def weakness(password: str, email: str = "", name: str = "") -> str | None:
    """Why ``password`` is too easy to guess, as a message for the person; None if it is not."""
    if _is_personal(password, email, name):
        return _("Das Passwort darf nicht im Wesentlichen aus Ihrem Namen, Ihrer E-Mail-Adresse "
                 "oder dem Namen der Plattform bestehen.")
    if password.strip().lower() in common_passwords() or _core(password) in common_passwords():
        return _("Dieses Passwort gehört zu den häufigsten Passwörtern aus bekannten Datenlecks "
                 "(auch mit angehängten Zahlen oder Zeichen). Bitte wählen Sie ein anderes – am "
                 "besten mehrere Wörter, die nicht zusammengehören.")
    if _is_pattern(password):
        return _("Tastaturfolgen (qwertz, 12345), Buchstabenreihen und wiederholte Zeichen sind "
                 "schnell erraten. Bitte wählen Sie ein anderes Passwort.")
    count = breach_count(password)
    if count:
        return _("Dieses Passwort ist in bekannten Datenlecks aufgetaucht und wird deshalb "
                 "zuerst ausprobiert. Bitte wählen Sie ein anderes.")
    return None


def breach_count(password: str) -> int | None:
    """How often the range API has seen ``password`` in breaches; None when not asked.

    Fails open: no URL configured, a timeout, a refused connection or a garbled answer give
    None (logged as a warning), never an error for the person choosing a password.
    """
    base = (current_app.config.get("ATLAS_PWNED_RANGE_URL") or "").strip()
    if not base:
        return None
    if not base.startswith(("https://", "http://")):
        log.warning("ATLAS_PWNED_RANGE_URL is not an http(s) URL; breach check skipped")
        return None
    digest = hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest().upper()
    prefix, suffix = digest[:5], digest[5:]
    request = urllib.request.Request(
        f"{base.rstrip('/')}/{prefix}",
        headers={"Add-Padding": "true", "User-Agent": "ATLAS-Campus password check"})
    timeout = float(current_app.config.get("ATLAS_PWNED_TIMEOUT_SECONDS", 2.0))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(4 * 1024 * 1024).decode("ascii", "replace")
    except (OSError, ValueError, http.client.HTTPException) as error:
        log.warning("breached-password range lookup failed (%s: %s); accepted on the offline "
                    "rules alone", type(error).__name__, error)
        return None
    for line in body.splitlines():
        seen, _sep, count = line.strip().partition(":")
        if seen.upper() == suffix:
            try:
                return int(count)
            except ValueError:
                return 1
    return 0
