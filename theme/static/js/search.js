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
const MAX_READ = 120;  // results whose text is read to check the words found

// Each language gets its own copy of Pagefind's module (a distinct address), and so its own web
// worker and WebAssembly memory. Pagefind keeps one WebAssembly module per copy: a second language's
// instance made from the same copy loads its own build over the first's, whose pointers then reach
// outside the new memory ("memory access out of bounds") and whose searches hang or answer wrongly.
// Apart, the languages load side by side; within one, its bundles merge one after another.
async function languageInstance(language, bundles) {
  const pagefind = await import(`${bundles[0]}pagefind.js?language=${encodeURIComponent(language)}`);
  const root = document.documentElement;
  const pageLanguage = root.lang;
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
  return { language, instance };
}

function instances() {
  return Promise.all(Object.entries(config.languages).map(([language, bundles]) => languageInstance(language, bundles)));
}

let ready = null;
let latest = 0;
let asked = "";  // the words of the search shown, or running

// How a found word stands to a searched one. Pagefind stems and completes words, in each
// language's own way: "Marines" finds "Marine" (kept), but also "Mali" finds "malicious" and a
// Spanish word, stemmed as French, finds an unrelated French one (both dropped).
const WHOLE = 2;
const STEM = 1;
const UNRELATED = 0;
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
// Scripts written without spaces between words: a word is found inside the text.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;
const fold = (text) => text.normalize("NFKD").replace(/\p{M}/gu, "").toLocaleLowerCase();

function kinship(found, searched) {
  if (found === searched) return WHOLE;
  const [shorter, longer] = found.length < searched.length ? [found, searched] : [searched, found];
  let prefix = 0;
  while (prefix < shorter.length && shorter[prefix] === longer[prefix]) prefix++;
  // the same word with another ending ("marine", "marines"), or with a prefix ("المكتبة", "مكتبة")
  const share = Math.max(prefix, longer.endsWith(shorter) ? shorter.length : 0);
  return share >= Math.min(4, shorter.length) && share >= 0.6 * longer.length ? STEM : UNRELATED;
}

// The closest kinship each searched word has with the words of `text`; the weakest of them.
function closeness(text, terms) {
  const folded = fold(text);
  const words = new Set(folded.match(WORD) || []);
  let weakest = WHOLE;
  for (const term of terms) {
    let best = UNRELATED;
    if (UNSPACED.test(term)) {
      // a searched word in the text, or a segment Pagefind found of it (博物 of 博物馆)
      best = folded.includes(term) || (folded.trim() && term.includes(folded.trim())) ? WHOLE : UNRELATED;
    } else {
      for (const word of words) {
        best = Math.max(best, kinship(word, term));
        if (best === WHOLE) break;
      }
    }
    weakest = Math.min(weakest, best);
  }
  return weakest;
}

// Pagefind's excerpt is text with <mark> around the words found: keep just that, and the marks
// only on words akin to a searched one.
function excerpt(html, terms) {
  const template = document.createElement("template");
  template.innerHTML = html;  // inert: nothing in a template loads or runs
  const paragraph = document.createElement("p");
  paragraph.className = "standfirst";
  for (const node of template.content.childNodes) {
    if (node.nodeName === "MARK" && terms.some((term) => closeness(node.textContent, [term]) !== UNRELATED)) {
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
function card(result, language, terms) {
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
  body.append(title, element("p", "meta", details), excerpt(result.excerpt || "", terms));
  if (language !== config.lang) {
    title.lang = language;
    body.lastChild.lang = language;
  }
  title.dir = body.lastChild.dir = "auto";  // each reads in its own script's direction
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
  // Read the best results' text to keep only those holding every searched word (or a word akin
  // to it), whole words first.
  const terms = (fold(term).match(WORD) || []);
  const read = await Promise.all(found.slice(0, MAX_READ).map(async ({ language, result }) => {
    const data = await result.data();
    return { language, data, closeness: closeness(`${data.meta?.title || ""} ${data.content || ""}`, terms) };
  }));
  if (id !== latest) return;  // a newer search has started
  const kept = read.filter((item) => item.closeness !== UNRELATED)
    .sort((a, b) => b.closeness - a.closeness);  // stable: by score within each kind
  list.replaceChildren(...kept.slice(0, MAX_RESULTS).map(({ language, data }) => card(data, language, terms)));
  const count = kept.length;
  const more = found.length > MAX_READ ? "More than " : "";
  status.textContent = count === 0 ? `No story matches “${term}”.`
    : `${more}${count} ${count === 1 && !more ? "story matches" : "stories match"} “${term}”` +
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
