"""A light stemmer for clinical English: Porter's 1980 algorithm with three medical changes.

The index and the query go through the same function, in Python, so SQLite and PostgreSQL match
exactly the same terms (neither database's own stemmer is used).

Changes to Porter, each for a clinical reason:

- ``-itis`` is kept: *hepatitis* must not become *hepatic*, nor *bronchitis* *bronchial*.
- A trailing vowel is dropped from stems longer than four letters, which joins the noun and the
  adjective of many disease names: *anemia/anemic*, *pneumonia/pneumonic*, *allergy/allergic*,
  *artery/arterial*, *injury/injuries*.
- A few words keep their form (*organism* is not *organ*, *parkinsonism* not *Parkinson*) or
  map irregular plurals (*feet*).
"""

from __future__ import annotations

from functools import lru_cache

VOWELS = frozenset("aeiou")
KEEP = {"organism": "organism", "organisms": "organism", "parkinsonism": "parkinsonism",
        "feet": "foot", "teeth": "tooth",
        "children": "child", "women": "woman", "men": "man", "lice": "louse", "mice": "mouse",
        "pregnant": "pregnanc"}


def _cons(w: str, i: int) -> bool:
    c = w[i]
    if c in VOWELS:
        return False
    if c == "y":
        return i == 0 or not _cons(w, i - 1)
    return True


def _m(w: str) -> int:
    """Porter's measure: the number of vowel-consonant sequences."""
    n, i, size = 0, 0, len(w)
    while i < size and _cons(w, i):
        i += 1
    while i < size:
        while i < size and not _cons(w, i):
            i += 1
        if i >= size:
            break
        n += 1
        while i < size and _cons(w, i):
            i += 1
    return n


def _has_vowel(w: str) -> bool:
    return any(not _cons(w, i) for i in range(len(w)))


def _double_cons(w: str) -> bool:
    return len(w) >= 2 and w[-1] == w[-2] and _cons(w, len(w) - 1)


def _cvc(w: str) -> bool:
    if len(w) < 3:
        return False
    return (_cons(w, len(w) - 1) and not _cons(w, len(w) - 2) and _cons(w, len(w) - 3)
            and w[-1] not in "wxy")


STEP2 = (("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"),
         ("izer", "ize"), ("abli", "able"), ("alli", "al"), ("entli", "ent"), ("eli", "e"),
         ("ousli", "ous"), ("ization", "ize"), ("ation", "ate"), ("ator", "ate"),
         ("alism", "al"), ("iveness", "ive"), ("fulness", "ful"), ("ousness", "ous"),
         ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"), ("logi", "log"))
STEP3 = (("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"),
         ("ful", ""), ("ness", ""))
# Porter's step 4 without "iti": inflammation (-itis) stays apart from the organ's adjective.
STEP4 = ("al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent",
         "ion", "ou", "ism", "ate", "ous", "ive", "ize")


def _replace(w: str, rules: tuple[tuple[str, str], ...], min_m: int) -> str:
    for suffix, repl in rules:
        if w.endswith(suffix):
            stem = w[: -len(suffix)]
            return stem + repl if _m(stem) > min_m else w
    return w


def _porter(w: str) -> str:
    # Step 1a, sparing the s of -us and -is words (uterus, psoriasis, arthritis)
    if w.endswith("sses") or w.endswith("ies"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith("ss") and not w.endswith("us") \
            and not w.endswith("is"):
        w = w[:-1]
    # Step 1b
    again = False
    if w.endswith("eed"):
        if _m(w[:-3]) > 0:
            w = w[:-1]
    elif w.endswith("ed") and _has_vowel(w[:-2]):
        w, again = w[:-2], True
    elif w.endswith("ing") and _has_vowel(w[:-3]):
        w, again = w[:-3], True
    if again:
        if w.endswith(("at", "bl", "iz")):
            w += "e"
        elif _double_cons(w) and w[-1] not in "lsz":
            w = w[:-1]
        elif _m(w) == 1 and _cvc(w):
            w += "e"
    # Step 1c
    if w.endswith("y") and _has_vowel(w[:-1]):
        w = w[:-1] + "i"
    w = _replace(w, STEP2, 0)
    w = _replace(w, STEP3, 0)
    for suffix in STEP4:
        if w.endswith(suffix):
            stem = w[: -len(suffix)]
            if _m(stem) > 1 and (suffix != "ion" or stem.endswith(("s", "t"))):
                w = stem
            break
    # Step 5
    if w.endswith("e"):
        stem = w[:-1]
        if _m(stem) > 1 or (_m(stem) == 1 and not _cvc(stem)):
            w = stem
    if _m(w) > 1 and _double_cons(w) and w.endswith("l"):
        w = w[:-1]
    return w


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The index form of one lower-case word (digits and short words are kept as they are)."""
    if word in KEEP:
        return KEEP[word]
    if len(word) <= 3 or not word.isalpha():
        return word
    w = _porter(word)
    if len(w) < 3:  # eyes, toes: keep the singular rather than a two-letter stem
        return word[:-1] if word.endswith("s") else word
    while len(word) >= 6 and len(w) > 4 and w[-1] in VOWELS:  # not acronyms: stemi
        w = w[:-1]
    return w
