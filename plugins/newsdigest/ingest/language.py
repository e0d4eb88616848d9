"""A story's language, as an ISO 639 code ("en", "fr"): what the page declares, else what its
text is, by py3langid's packaged model (no download, no network)."""

from __future__ import annotations

import functools
import re

from newsdigest.ingest import installed_data

_CODE = re.compile(r"([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]{1,8})*")
# Codes pages put in lang attributes that are no language.
_NOT_LANGUAGES = {"und", "mul", "zxx", "xx", "mis"}
MIN_DETECTION_CHARS = 40
SAMPLE_CHARS = 1000  # a story's opening tells its language as well as the whole, in a fifth of the time
MIN_CONFIDENCE = 0.9


def language_code(value) -> str:
    """The primary language subtag of a declared value ("en-GB", "fr_FR", "de") in lower case,
    or "" when the value is no language tag."""
    if not isinstance(value, str):
        return ""
    match = _CODE.fullmatch(value.strip())
    if not match or match.group(1).lower() in _NOT_LANGUAGES:
        return ""
    return match.group(1).lower()


@functools.cache
def _identifier():
    import numpy as np
    from py3langid.langid import LanguageIdentifier

    ptc, pc, classes, nextmove, row, output = installed_data.kept("py3langid", "model", _model)
    return LanguageIdentifier(np.asarray(ptc), np.asarray(pc), classes, nextmove, output, norm_probs=True, tk_row=row)


def _model() -> tuple:
    """py3langid's model, read from the compressed file it ships (0.6 s; as from_model_file reads it)."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE
    from py3langid.modelio import load_model

    return load_model(MODEL_DIR / MODEL_FILE)


def detect(text: str) -> str:
    """The language the text is written in, or "" when the text is too short to tell or the
    model is unsure."""
    text = (text or "")[:SAMPLE_CHARS]
    if len(text.strip()) < MIN_DETECTION_CHARS:
        return ""
    code, confidence = _identifier().classify(text)
    return code if confidence >= MIN_CONFIDENCE else ""


# Languages a model tells apart poorly, where what the page declares is the better guide.
_CLOSE = [{"id", "ms"}, {"no", "nb", "nn", "da"}, {"hr", "sr", "bs"}, {"cs", "sk"}, {"es", "gl", "ca"}, {"pt", "gl"}]


def story_language(declared: str, text: str) -> str:
    """The language a story is in: what its page declares, unless its text plainly says
    otherwise (a German story on a site whose template says lang="en")."""
    detected = detect(text)
    if not declared or (
        detected and detected != declared and not any({declared, detected} <= close for close in _CLOSE)
    ):
        return detected
    return declared
