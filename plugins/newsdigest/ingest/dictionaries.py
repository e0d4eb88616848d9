"""simplemma's dictionaries of word forms, as the tagger reads them: each opened in milliseconds.

simplemma ships each language's dictionary compressed and front-coded: decoding it takes
seconds (German's 1.1 million forms: 2.2 s) in every process that tags a story in that
language, so every `newsdigest ingest` of a German page paid it again. The first process to
need a language saves it as a MARISA trie (simplemma's own trie format) with the installation
(newsdigest.ingest.installed_data, which says where and how); every later one maps that file in
about 10 ms. Two processes saving the same language both write a whole file. Where that folder
cannot be written, the dictionary is decoded in memory, as before.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import marisa_trie
from simplemma.strategies.dictionaries.dictionary_factory import (
    SUPPORTED_LANGUAGES,
    CachingDictionaryFactory,
    MappingStrToByteString,
    _load_dictionary_from_disk,
)
from simplemma.strategies.dictionaries.trie_dictionary_factory import TrieWrapDict

from newsdigest.ingest import installed_data


class SavedDictionaries(CachingDictionaryFactory):
    """A simplemma dictionary factory that keeps every dictionary it decodes as a trie in
    `folder` and opens it from there the next time, in any process; each language once per
    process (all of them kept: a process tagging many languages never decodes one twice)."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder if folder is not None else installed_data.package_folder("simplemma")
        super().__init__(cache_max_size=len(SUPPORTED_LANGUAGES))

    def _get_dictionary_uncached(self, lang: str) -> Mapping[str, str]:
        if lang not in SUPPORTED_LANGUAGES:
            raise ValueError(f"Unsupported language: {lang}")
        saved = self._folder / f"{lang}.marisa"
        try:
            return TrieWrapDict(marisa_trie.BytesTrie().mmap(os.fspath(saved)))
        except (OSError, RuntimeError):  # not saved yet (or unreadable): decode it, and save it if we can
            pass
        forms = _load_dictionary_from_disk(lang)
        try:
            trie = marisa_trie.BytesTrie(
                ((form.decode(), lemma) for form, lemma in forms.items()), cache_size=marisa_trie.HUGE_CACHE
            )
            installed_data.save(saved, lambda part: trie.save(os.fspath(part)))
        except OSError:  # a read-only installation: this process keeps its decoded dictionary
            return MappingStrToByteString(forms)
        return TrieWrapDict(trie)
