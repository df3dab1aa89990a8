// The pages' own words (labels, status lines) in English and Chinese. They come from the bot's
// message catalogue (bot/i18n/page-texts.ts), which the server serves as /page-catalogue.js, so
// the pages and the bot share one table per language. Plain ES module, no build step; used by
// chat.js and the console pages.
import { ADMIN_TEXT, CARD_TEXT, CONSOLE_TEXT, DESK_TEXT, PAGE_TEXT } from './page-catalogue.js';

export { ADMIN_TEXT, CARD_TEXT, CONSOLE_TEXT, DESK_TEXT, PAGE_TEXT };

/** A catalogue text with its {name} placeholders filled. */
export function fill(text, vars = {}) {
  return String(text ?? '').replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
}

/** 'en' or 'zh': an explicit choice when it is one of them, else the browser's first preference. */
export function pageLanguage(explicit, languages = navigator.languages || [navigator.language]) {
  if (explicit === 'en' || explicit === 'zh') return explicit;
  for (const l of languages) {
    const tag = String(l || '').toLowerCase();
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

/** Fills every element with data-text="key" (text) or data-text-<attr>="key" (that attribute). */
export function applyPageText(lang, root = document, catalogue = PAGE_TEXT) {
  const t = catalogue[lang] || catalogue.en;
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const el of root.querySelectorAll('*')) {
    for (const { name, value } of Array.from(el.attributes)) {
      if (!name.startsWith('data-text') || !(value in t)) continue;
      if (name === 'data-text') el.textContent = t[value];
      else el.setAttribute(name.slice('data-text-'.length), t[value]);
    }
  }
  return t;
}

/** A CSS colour a site may set as the accent: #rgb, #rrggbb (or with alpha); anything else is ignored. */
export function safeColour(value) {
  return typeof value === 'string' && /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(value.trim()) ? value.trim() : '';
}
