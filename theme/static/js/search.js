// Search the digest with Pagefind, offline, in every language it has, and show the results
// as the theme's story cards. The index comes in bundles (blocks of stories) and, in each,
// one index per language: every language gets its own Pagefind instance (its own stemming),
// made from the first bundle that has it, with the others merged in.
const config = JSON.parse(document.getElementById("search-config").textContent);
// Bundle paths are written as links are (they may be relative to this page): make them whole.
const absolute = (path, base = document.baseURI) => new URL(path, base).href;
for (const language of Object.keys(config.languages)) {
  config.languages[language] = config.languages[language].map((bundle) => absolute(bundle));
}
const form = document.getElementById("search-form");
const input = document.getElementById("search-input");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const MAX_RESULTS = 30;

// One language after another: Pagefind's instances share one web worker, and made at the same
// time they can load a chunk of one bundle from another's folder ("invalid gzip data").
async function instances() {
  const languages = Object.entries(config.languages);
  const pagefind = await import(`${languages[0][1][0]}pagefind.js`);
  const root = document.documentElement;
  const pageLanguage = root.lang;
  const made = [];
  for (const [language, bundles] of languages) {
    let instance;
    root.lang = language;  // an instance searches the language of the page it is made on
    try {
      instance = pagefind.createInstance({ basePath: bundles[0], excerptLength: 24 });
    } finally {
      root.lang = pageLanguage;
    }
    await instance.init();
    for (const bundle of bundles.slice(1)) {
      await instance.mergeIndex(bundle, { language });
    }
    made.push({ language, instance });
  }
  return made;
}

let ready = null;
let latest = 0;
let asked = "";  // the words of the search shown, or running

// Pagefind's excerpt is text with <mark> around the words found: keep just that.
function excerpt(html) {
  const template = document.createElement("template");
  template.innerHTML = html;  // inert: nothing in a template loads or runs
  const paragraph = document.createElement("p");
  paragraph.className = "standfirst";
  for (const node of template.content.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      paragraph.append(mark);
    } else {
      paragraph.append(node.textContent);
    }
  }
  return paragraph;
}

function element(name, className, text) {
  const node = document.createElement(name);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

// The markup of the theme's story card (_card.html).
function card(result, language) {
  const meta = result.meta || {};
  const article = element("article", "card");
  if (meta.image) {
    const frame = element("div", "card-image frame");
    const image = element("img");
    // the image's address as written on the story's page, which may be relative to it
    Object.assign(image, { src: absolute(meta.image, absolute(result.url)), alt: "", loading: "lazy", decoding: "async" });
    frame.append(image);
    article.append(frame);
  }
  const body = element("div", "card-body");
  const title = element("h2", "card-title");
  const link = element("a", "", meta.title || result.url);
  link.href = result.url;
  title.append(link);
  const details = [meta.source, meta.date, meta.reading].filter(Boolean).join(" · ");
  body.append(title, element("p", "meta", details), excerpt(result.excerpt || ""));
  if (language !== config.lang) {
    title.lang = language;
    body.lastChild.lang = language;
  }
  article.append(body);
  const item = element("li");
  item.append(article);
  return item;
}

async function search(term) {
  term = term.trim();
  if (term === asked) return;  // typing then Enter asks once
  asked = term;
  const id = ++latest;
  if (!term) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  status.textContent = "Searching…";
  ready = ready || instances();
  const found = [];
  for (const { language, instance } of await ready) {
    const response = await instance.search(term);
    for (const result of response.results) found.push({ language, result });
  }
  found.sort((a, b) => b.result.score - a.result.score);
  const shown = await Promise.all(found.slice(0, MAX_RESULTS).map(async ({ language, result }) => ({
    language, data: await result.data() })));
  if (id !== latest) return;  // a newer search has started
  list.replaceChildren(...shown.map(({ language, data }) => card(data, language)));
  const count = found.length;
  status.textContent = count === 0 ? `No story matches “${term}”.`
    : `${count} ${count === 1 ? "story matches" : "stories match"} “${term}”` +
      (count > MAX_RESULTS ? `; the ${MAX_RESULTS} best are shown.` : ".");
}

let timer = null;
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => search(input.value), 250);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(timer);
  const url = new URL(location.href);
  url.searchParams.set("q", input.value);
  history.replaceState(null, "", url);
  search(input.value);
});
const fromAddress = new URLSearchParams(location.search).get("q");
if (fromAddress) {
  input.value = fromAddress;
  search(fromAddress);
}
