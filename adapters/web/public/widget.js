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
  const CHAT_URL = `${ORIGIN}/?embed=1`;
  const SVG = 'http://www.w3.org/2000/svg';

  const CSS = `
    :host { all: initial; }
    * { box-sizing: border-box; }
    .launcher, .panel { position: fixed; right: 20px; z-index: 2147483000;
      font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
    .launcher { bottom: 20px; width: 56px; height: 56px; border: 0; border-radius: 50%;
      display: grid; place-items: center; cursor: pointer; color: #fff; background: #3558e0;
      box-shadow: 0 4px 14px rgb(0 0 0 / 25%); transition: transform .15s ease; }
    .launcher:hover { transform: scale(1.05); }
    .launcher:focus-visible, .close:focus-visible { outline: 3px solid #9db0ff; outline-offset: 2px; }
    .panel { bottom: 88px; width: 360px; height: 520px;
      max-width: calc(100vw - 24px); max-height: calc(100vh - 108px);
      display: flex; flex-direction: column; overflow: hidden; border-radius: 14px;
      background: #fff; box-shadow: 0 10px 40px rgb(0 0 0 / 25%); }
    .panel[hidden] { display: none; }
    .bar { flex: none; display: flex; align-items: center; justify-content: space-between;
      padding: 8px 8px 8px 14px; color: #fff; background: #3558e0; font-weight: 600; }
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

  let frame = null;

  // The iframe (and so the WebSocket) is only created on first open, then kept
  // while closed so the conversation and connection survive toggling.
  function ensureFrame() {
    if (frame) return;
    frame = document.createElement('iframe');
    frame.src = CHAT_URL;
    frame.title = 'crossfeed chat';
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
