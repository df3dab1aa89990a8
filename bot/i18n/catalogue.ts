import { LOYALTY_TEXT } from '../loyalty-text.js';
import { PHRASES } from '../phrases.js';
import { en, type CatalogueKey } from './en.js';
import { zh } from './zh.js';
import { PAGE_SECTIONS } from './page-texts.js';
import { CLAIM_TEXT, FAQ_TEXT, HANDOFF_TEXT, LINK_TEXT, PRIVACY_TEXT } from './stage-texts.js';

export type Lang = 'en' | 'zh';

/** Topic and place names as a Chinese conversation shows them (catalog values are English ids). */
const NAMES_ZH: Record<string, string> = {
  python: 'Python', javascript: 'JavaScript', 'web development': '网页开发', 'data science': '数据科学', 'machine learning': '机器学习',
  photography: '摄影', 'graphic design': '平面设计', music: '音乐', guitar: '吉他', cooking: '烹饪', 'personal finance': '个人理财', budgeting: '预算管理',
  'game development': '游戏开发', gaming: '游戏', esports: '电竞', streaming: '直播', chess: '国际象棋', english: '英语', chinese: '中文', marketing: '市场营销',
  excel: 'Excel', drawing: '绘画', fitness: '健身', writing: '写作', business: '商业', design: '设计', 'video editing': '视频剪辑',
  travel: '旅行', health: '健康', pet: '宠物', device: '设备', gadget: '数码产品',
  'new york': '纽约', 'san francisco': '旧金山', seattle: '西雅图', london: '伦敦', toronto: '多伦多', boston: '波士顿', 'los angeles': '洛杉矶', chicago: '芝加哥',
  brooklyn: '布鲁克林', shanghai: '上海', beijing: '北京', shenzhen: '深圳', chengdu: '成都', guangzhou: '广州', hangzhou: '杭州',
};

/** A catalog name (topic, city) in the conversation's language; unknown names are shown as they are. */
export function nameIn(value: string, lang: Lang): string {
  return lang === 'zh' ? (NAMES_ZH[value.toLowerCase()] ?? value) : value;
}

/**
 * The message catalogue: one table per language, with every text the bot says (phrases,
 * loyalty, claim, FAQ, handoff, privacy) and the pages show (card labels, the chat page, widget,
 * console and FAQ admin labels, the pinned support status), under one set of keys. A test checks that each key
 * exists in both languages with the same placeholders.
 */
export const CATALOGUE: Record<Lang, Record<string, string>> = {
  en: { ...en, ...stageTexts('en') },
  zh: { ...zh, ...stageTexts('zh') },
};

function stageTexts(lang: Lang): Record<string, string> {
  return {
    ...prefixed('say', PHRASES, lang), ...prefixed('loyalty', LOYALTY_TEXT, lang), ...prefixed('link', LINK_TEXT, lang),
    ...prefixed('claim', CLAIM_TEXT, lang), ...prefixed('faq', FAQ_TEXT, lang), ...prefixed('handoff', HANDOFF_TEXT, lang), ...prefixed('privacy', PRIVACY_TEXT, lang),
    ...Object.assign({}, ...Object.entries(PAGE_SECTIONS).map(([ns, table]) => prefixed(ns, table, lang))),
  };
}

function prefixed(ns: string, table: Record<string, Record<Lang, string>>, lang: Lang): Record<string, string> {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [`${ns}.${k}`, v[lang]]));
}

/** One text from the catalogue, with `{name}` placeholders filled. */
export function t(lang: Lang, key: CatalogueKey | `say.${string}` | `loyalty.${string}` | `desk.${string}`, vars: Record<string, string | number> = {}): string {
  const text = CATALOGUE[lang][key] ?? CATALOGUE.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

/** The pages' sections of one language's table, keys without their prefix (what /page-catalogue.js serves). */
export function pageSection(ns: keyof typeof PAGE_SECTIONS | 'card', lang: Lang): Record<string, string> {
  const prefix = `${ns}.`;
  return Object.fromEntries(Object.entries(CATALOGUE[lang]).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}
