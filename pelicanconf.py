"""Site settings for development builds. `publishconf.py` extends these for production."""

from newsdigest.pelican_plugins import ALL as NEWSDIGEST_PLUGINS

SITENAME = "The Daily Digest"
SITEURL = ""
SITE_DESCRIPTION = "The day's most important stories, chosen and annotated by our curators."
AUTHOR = "The Daily Digest"
# Dates without a UTC offset are read in this zone; pages and editions show dates in it.
TIMEZONE = "America/New_York"
DEFAULT_LANG = "en"
# Zones of the sources whose clippings give times without one (ingest reads them in these).
SOURCE_TIMEZONES = {"VICE News": "America/New_York"}
# The names ingest gives sources: a spelling or a site's address on the left, the name to use on
# the right. Spellings that differ only in case, accents or punctuation are one name already;
# a site with no entry is named from its address ("tmz.com" -> "TMZ", "breitbart.com" -> "Breitbart").
SOURCE_NAMES = {
    "theguardian.com": "The Guardian", "guardian.co.uk": "The Guardian",
    "nytimes.com": "The New York Times", "washingtonpost.com": "The Washington Post",
    "bbc.co.uk": "BBC News", "bbc.com": "BBC News", "reuters.com": "Reuters", "apnews.com": "Associated Press",
    "news.vice.com": "VICE News", "telegraph.co.uk": "The Telegraph", "lemonde.fr": "Le Monde",
    "wsj.com": "The Wall Street Journal", "cnbc.com": "CNBC", "seattletimes.com": "The Seattle Times",
}

PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
# Files no build reads, by name: hidden files (editors' lock and swap files such as .#story.md)
# and backups. Pelican's default, "**/.*", matches paths, which its readers never compare it with.
IGNORE_FILES = [".*", "*~"]
OUTPUT_PATH = "output"
THEME = "theme"
PLUGINS = NEWSDIGEST_PLUGINS
# Every cache lives here: newsdigest.sqlite (converted documents) and Pelican's own, if enabled.
CACHE_PATH = ".cache"
LOAD_CONTENT_CACHE = False

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.sane_lists": {},
    },
    "output_format": "html5",
}
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

# URLs: articles at /YYYY/MM/DD/<slug>/, no ".html" anywhere.
ARTICLE_URL = "{date:%Y}/{date:%m}/{date:%d}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = PAGE_URL + "index.html"
# Tags, sections and sources: /tags/<slug>/, /sections/<slug>/, /sources/<slug>/ and their
# indexes, written by newsdigest's taxonomy plugin (Pelican's tag pages are off).
TAG_SAVE_AS = TAGS_SAVE_AS = ""
TAXONOMY_KINDS = ["tags", "sections", "sources"]  # which taxonomies get pages (also possible: "authors")
TAXONOMY_VOCABULARY = "tags.yml"  # aliases, preferred names and descriptions, in content/
TAXONOMY_MIN_COUNT = 1  # stories a term needs for a page of its own; below it, shown unlinked
TAXONOMY_RELATED_LIMIT = 8
TAXONOMY_TOP_TERMS = 12  # the most covered terms, shown above each A-Z index
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = ARCHIVES_URL + "index.html"
# Categories, authors pages, drafts and Pelican's translations are not part of a digest.
CATEGORY_SAVE_AS = CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ""
DRAFT_SAVE_AS = DRAFT_PAGE_SAVE_AS = ""
# A story in another language (`lang: fr`) is a story like any other, at the same kind of address:
# Pelican would otherwise treat it as a translation and use its *_LANG_* patterns.
ARTICLE_LANG_URL, ARTICLE_LANG_SAVE_AS = ARTICLE_URL, ARTICLE_SAVE_AS
PAGE_LANG_URL, PAGE_LANG_SAVE_AS = PAGE_URL, PAGE_SAVE_AS
DRAFT_LANG_SAVE_AS = DRAFT_PAGE_LANG_SAVE_AS = ""
ARTICLE_TRANSLATION_ID = None
PAGE_TRANSLATION_ID = None
YEAR_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_URL = "archives/{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_URL + "index.html"
# Stories older than this (against the build date: SOURCE_DATE_EPOCH, else the newest story)
# carry a notice saying how old they are.
AGE_NOTICE_YEARS = 1
DIRECT_TEMPLATES = ["index", "archives"]

DEFAULT_PAGINATION = 20
# The front page is the latest edition, not a list: it has no further pages.
PAGINATED_TEMPLATES = {"term": None, "editions": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
# A development build opens from the disk (file://): links relative to each page, and links to
# folders ending in index.html. publishconf.py turns it off: clean /tags/ addresses from SITEURL.
# Feeds, sitemaps, newsletters and canonical links are absolute either way.
RELATIVE_URLS = True
# Every story address the site has published and the story behind it, in the content folder:
# kept by `newsdigest build`, commit it. Old addresses redirect; None turns it off.
ADDRESSES_FILE = "addresses.yml"

# Related stories: the curator's "related" references first, then similar coverage.
RELATED_MAX = 5
RELATED_TEXT_WEIGHT = 1.0
RELATED_TAG_WEIGHT = 0.3  # how much shared rare tags raise text similarity
RELATED_MIN_SCORE = 0.03  # the least text similarity (raised by shared tags) a related story has
RELATED_NEIGHBOURHOOD = 100  # at most this many most similar stories, whose overlap confirms a relation
RELATED_NEIGHBOURHOOD_SHARE = 0.05  # a neighbourhood is this share of the site's stories...
RELATED_MIN_NEIGHBOURHOOD = 5  # ...and at least this many
RELATED_MIN_SHARED = 0.24  # share of neighbourhood in common: adapts to each story, whatever its length
RELATED_AREA_NEIGHBOURS = 70  # links per story in the graph whose communities bound relations (0: off)
RELATED_AREA_RESOLUTION = 1.0  # higher: smaller areas of coverage
RELATED_SHARED_WEIGHT = 1.0  # how much a shared neighbourhood counts in the order shown
RELATED_DUPLICATE_THRESHOLD = 0.9  # text this similar is the same story: "also published by"
RELATED_COMMON_TAG_SHARE = 0.2  # tags on more than this share of stories count for nothing
RELATED_DECAY_DAYS = None  # e.g. 30: relatedness halves every 30 days apart
RELATED_TITLE_MATCH = 90  # 0-100: how close a "related" headline must be to link

# Search: Pagefind indexes the stories at the end of every build; the page is /search/.
SEARCH_ENABLED = True
# Stories per search index block, on average: an edit re-indexes its block only; the search
# page merges every block's index (smaller blocks rebuild faster, larger ones search in fewer requests).
SEARCH_BLOCK_STORIES = 250

# Editions: the curator's picks per day (or ISO week: "week"), at /editions/YYYY-MM-DD/,
# with email.html and email.txt beside each. Intros in content/editions/YYYY-MM-DD.md.
EDITION_PERIOD = "day"
EDITIONS_PATH = "editions"
# The label that opens the curator's note on story pages, editions and newsletters.
NOTE_LABEL = "Why it matters"

# Feeds: RSS, Atom and JSON Feed for the site (/feeds/all.*), every tag, section and source
# (<term page>feed.*) and the editions, written by newsdigest with feedgen.
FEED_KINDS = ["tags", "sections", "sources"]  # which term pages get feeds of their own
FEED_MAX_ITEMS = 50
FEED_SUMMARY_ONLY = False  # True: note and standfirst only, no full text
FEED_WEBSUB_HUB = None  # e.g. "https://pubsubhubbub.appspot.com/"
FEED_SITEURL = None  # absolute base for feed links; defaults to SITEURL, else http://127.0.0.1:8000
# Pelican's own feeds are off: newsdigest writes its feeds itself.
FEED_ALL_ATOM = FEED_ALL_RSS = FEED_ATOM = FEED_RSS = None
CATEGORY_FEED_ATOM = CATEGORY_FEED_RSS = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = TAG_FEED_RSS = TRANSLATION_FEED_ATOM = TRANSLATION_FEED_RSS = None

DEFAULT_DATE_FORMAT = "%B %-d, %Y"
