// The console's login page: its labels in the browser's language (en or zh), unless the server's
// web.widget.language fixes one. Plain ES module; the form works without it.
import { applyPageText, CONSOLE_TEXT, pageLanguage } from './page-text.js';

const settings = await fetch('/widget/settings.json').then((r) => (r.ok ? r.json() : {}), () => ({}));
applyPageText(pageLanguage(settings.language), document, CONSOLE_TEXT);
