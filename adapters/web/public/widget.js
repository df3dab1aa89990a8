// crossfeed embeddable chat widget.
// Paste into any page: <script src="http://HOST:PORT/widget.js"></script>
// Everything lives in an IIFE and an open shadow root so the host page's CSS and
// globals are untouched; the only global is window.crossfeedWidget.
(function () {
  'use strict';
  if (window.crossfeedWidget) return; // pasted twice: keep the first instance

  // currentScript is only set while a classic script first runs, so read it now.
  const script = document.currentScript ||
    Array.from(document.scripts).reverse().find((s) => /\/widget\.js(\?|#|$)/.test(s.src));
  if (!script || !script.src) return;
  const ORIGIN = new URL(script.src, location.href).origin;
  const SVG = 'http://www.w3.org/2000/svg';

  // The site's look and words: data-title, data-accent, data-greeting, data-lang on the script tag
  // win; what they leave out comes from the server's web.widget settings, then the defaults.
  const attr = (name) => (script.getAttribute(`data-${name}`) || '').trim();
  const settings = { title: attr('title'), accent: attr('accent'), greeting: attr('greeting').slice(0, 500), lang: attr('lang') };
  const safeColour = (v) => (/^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(v) ? v : '');
  const browserLang = () => {
    for (const l of navigator.languages || [navigator.language]) {
      const tag = String(l || '').toLowerCase();
      if (tag.startsWith('zh')) return 'zh';
      if (tag.startsWith('en')) return 'en';
    }
    return 'en';
  };
  const WORDS = {
    en: { title: 'crossfeed chat', open: 'Open chat', close: 'Close chat' },
    zh: { title: 'crossfeed 在线咨询', open: '打开聊天', close: '关闭聊天' },
  };
  const lang = () => (settings.lang === 'en' || settings.lang === 'zh' ? settings.lang : browserLang());
  function chatUrl() {
    const q = new URLSearchParams({ embed: '1' });
    for (const k of ['title', 'accent', 'greeting', 'lang']) if (settings[k]) q.set(k, settings[k]);
    return `${ORIGIN}/?${q}`;
  }

  const CSS = `
    :host { all: initial; }
    * { box-sizing: border-box; }
    .launcher, .panel { position: fixed; right: 20px; z-index: 2147483000;
      font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
    .launcher { bottom: 20px; width: 56px; height: 56px; border: 0; border-radius: 50%;
      display: grid; place-items: center; cursor: pointer; color: #fff; background: var(--cf-accent, #3558e0);
      box-shadow: 0 4px 14px rgb(0 0 0 / 25%); transition: transform .15s ease; }
    .launcher:hover { transform: scale(1.05); }
    .launcher:focus-visible, .close:focus-visible { outline: 3px solid #9db0ff; outline-offset: 2px; }
    .panel { bottom: 88px; width: 360px; height: 520px;
      max-width: calc(100vw - 24px); max-height: calc(100vh - 108px);
      display: flex; flex-direction: column; overflow: hidden; border-radius: 14px;
      background: #fff; box-shadow: 0 10px 40px rgb(0 0 0 / 25%); }
    .panel[hidden] { display: none; }
    .bar { flex: none; display: flex; align-items: center; justify-content: space-between;
      padding: 8px 8px 8px 14px; color: #fff; background: var(--cf-accent, #3558e0); font-weight: 600; }
    .close { width: 32px; height: 32px; border: 0; border-radius: 8px; cursor: pointer;
      color: inherit; background: transparent; font-size: 22px; line-height: 1; }
    .close:hover { background: rgb(255 255 255 / 15%); }
    iframe { flex: 1; width: 100%; border: 0; background: #fff; }
    @media (max-width: 480px) {
      .panel { right: 12px; bottom: 84px; }
      .launcher { right: 12px; bottom: 16px; }
    }`;

  function icon(d) {
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '26');
    svg.setAttribute('height', '26');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    path.setAttribute('fill', 'currentColor');
    svg.append(path);
    return svg;
  }

  const host = document.createElement('div');
  host.setAttribute('data-crossfeed-widget', '');
  // Open (not closed) so accessibility tools and automated tests can reach inside.
  const root = host.attachShadow({ mode: 'open' });

  // Constructable sheets are not blocked by a host page's style-src CSP; <style> is the fallback.
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = CSS;
    root.append(style);
  }

  const panel = document.createElement('div');
  panel.className = 'panel';
  panel.id = 'crossfeed-panel';
  panel.hidden = true;
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', 'crossfeed chat');

  const bar = document.createElement('div');
  bar.className = 'bar';
  const title = document.createElement('span');
  title.textContent = 'crossfeed chat';
  const closeBtn = document.createElement('button');
  closeBtn.type = 'button';
  closeBtn.className = 'close';
  closeBtn.setAttribute('aria-label', 'Close chat');
  closeBtn.textContent = '\u00d7';
  bar.append(title, closeBtn);
  panel.append(bar);

  const launcher = document.createElement('button');
  launcher.type = 'button';
  launcher.className = 'launcher';
  launcher.setAttribute('aria-label', 'Open chat');
  launcher.setAttribute('aria-expanded', 'false');
  launcher.setAttribute('aria-controls', panel.id);
  launcher.append(icon('M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z'));

  root.append(panel, launcher);

  function applySettings() {
    const words = WORDS[lang()];
    title.textContent = settings.title || words.title;
    panel.setAttribute('aria-label', title.textContent);
    launcher.setAttribute('aria-label', words.open);
    closeBtn.setAttribute('aria-label', words.close);
    const accent = safeColour(settings.accent);
    if (accent) host.style.setProperty('--cf-accent', accent);
  }
  applySettings();
  // The server's settings fill what the tag left out (a host page's CSP may block this; then the tag and defaults stand).
  fetch(`${ORIGIN}/widget/settings.json`).then((r) => (r.ok ? r.json() : {})).then((server) => {
    if (!server || typeof server !== 'object') return;
    for (const k of ['title', 'accent', 'greeting']) if (!settings[k] && typeof server[k] === 'string') settings[k] = server[k].slice(0, 500);
    if (!settings.lang && (server.language === 'en' || server.language === 'zh')) settings.lang = server.language;
    applySettings();
  }).catch(() => undefined);

  let frame = null;

  // The iframe (and so the WebSocket) is only created on first open, then kept
  // while closed so the conversation and connection survive toggling.
  function ensureFrame() {
    if (frame) return;
    frame = document.createElement('iframe');
    frame.src = chatUrl();
    frame.title = title.textContent;
    panel.append(frame);
  }

  function open() {
    ensureFrame();
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    frame.focus();
  }

  function close() {
    if (panel.hidden) return;
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  }

  launcher.addEventListener('click', () => (panel.hidden ? open() : close()));
  closeBtn.addEventListener('click', close);
  root.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') close();
  });
  // Escape pressed inside the chat frame arrives as a message; trust only our own frame.
  window.addEventListener('message', (ev) => {
    if (!frame || ev.source !== frame.contentWindow || ev.origin !== ORIGIN) return;
    if (ev.data && ev.data.type === 'crossfeed:close') close();
  });

  function mount() {
    document.body.append(host);
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });

  window.crossfeedWidget = Object.freeze({ open, close });
})();
