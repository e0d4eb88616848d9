"""Site settings for development builds. `publishconf.py` extends these for production.

newsdigest's own settings (RELATED_*, FEED_*, SEARCH_*, TAXONOMY_*, EDITION_PERIOD, NOTE_LABEL,
AGE_NOTICE_YEARS, NEWSDIGEST_WORKERS…) have their defaults in newsdigest (each concept's
`Settings`, gathered in newsdigest/site/settings.py), listed in docs/configuration.md: set one
here only to change it.
"""

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
    "theguardian.com": "The Guardian",
    "guardian.co.uk": "The Guardian",
    "nytimes.com": "The New York Times",
    "washingtonpost.com": "The Washington Post",
    "bbc.co.uk": "BBC News",
    "bbc.com": "BBC News",
    "reuters.com": "Reuters",
    "apnews.com": "Associated Press",
    "news.vice.com": "VICE News",
    "telegraph.co.uk": "The Telegraph",
    "lemonde.fr": "Le Monde",
    "wsj.com": "The Wall Street Journal",
    "cnbc.com": "CNBC",
    "seattletimes.com": "The Seattle Times",
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
# Feeds: RSS, Atom and JSON Feed for the site (/feeds/all.*), every tag, section and source
# (<term page>feed.*) and the editions, written by newsdigest with feedgen.
FEED_MAX_ITEMS = 50  # entries per feed (Pelican's own default is 100)
# Pelican's own feeds are off: newsdigest writes its feeds itself.
FEED_ALL_ATOM = FEED_ALL_RSS = FEED_ATOM = FEED_RSS = None
CATEGORY_FEED_ATOM = CATEGORY_FEED_RSS = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = TAG_FEED_RSS = TRANSLATION_FEED_ATOM = TRANSLATION_FEED_RSS = None

DEFAULT_DATE_FORMAT = "%B %-d, %Y"
