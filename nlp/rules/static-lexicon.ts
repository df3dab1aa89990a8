import type { LexiconEntry } from './lexicon.js';

/** Phrasings that do not come from the catalog: levels, teaching languages, insurance types, cuisines. */
const GROUPS: Record<string, Record<string, string[]>> = {
  level: {
    beginner: ['beginner', 'beginners', 'beginner-friendly', 'newbie', 'newbies', 'noob', 'noobs', 'novice', 'intro', 'introduction',
      'introductory', 'basics', 'basic', 'from scratch', 'from zero', 'for dummies', 'starter', 'starting out', 'entry level',
      'entry-level', '101', 'just starting', 'never coded', 'complete beginner', '入门', '零基础', '初学者', '初学', '新手', '小白', '基础'],
    intermediate: ['intermediate', 'mid level', 'mid-level', 'not a beginner', 'some experience', '中级', '进阶', '有基础'],
    advanced: ['advanced', 'expert', 'experts', 'pro level', 'pro-level', 'deep dive', 'mastery', 'master class', 'masterclass', '高级', '精通', '高阶', '大神'],
  },
  language: {
    en: ['in english', 'english-language', 'english language', 'taught in english', '英文授课', '英文版', '英语授课', '用英文', '用英语'],
    zh: ['in chinese', 'in mandarin', 'chinese-language', 'taught in chinese', '中文授课', '中文版', '用中文', '中文讲解', '国语'],
  },
  insurance_type: {
    travel: ['travel insurance', 'trip insurance', 'travel cover', 'travel', 'trip', 'vacation', 'holiday', '旅游险', '旅行险', '旅游保险', '旅行保险', '出行', '旅游', '旅行'],
    phone_screen: ['phone screen', 'screen insurance', 'cracked screen', 'broken screen', 'phone insurance', 'phone', '碎屏险', '碎屏', '手机屏', '手机险', '手机保险', '屏幕'],
    accident: ['accident', 'accidents', 'accidental', 'personal accident', '意外险', '意外保险', '意外'],
    health: ['health insurance', 'medical insurance', 'health', 'medical', 'hospital', '医疗险', '健康险', '医疗保险', '健康保险', '医疗'],
    gaming_gear: ['gaming gear', 'gaming pc', 'console', 'controller', 'gear insurance', 'my rig', 'gaming setup', '游戏设备', '设备险', '电竞设备', '主机'],
  },
  cuisine: {
    ramen: ['ramen', 'noodles', 'noodle', '拉面', '面馆'],
    hotpot: ['hotpot', 'hot pot', '火锅'],
    pizza: ['pizza', 'pizzas', '披萨', '比萨'],
    burgers: ['burger', 'burgers', '汉堡'],
    sushi: ['sushi', '寿司', '日料'],
    'dim sum': ['dim sum', 'dimsum', '点心', '早茶'],
    coffee: ['coffee', 'cafe', 'latte', '咖啡'],
    tacos: ['taco', 'tacos', 'mexican', '塔可'],
    bbq: ['bbq', 'barbecue', '烧烤', '烤肉'],
    'bubble tea': ['bubble tea', 'boba', 'milk tea', '奶茶'],
  },
  location: {
    Shanghai: ['shanghai', '上海'], Beijing: ['beijing', '北京'], Shenzhen: ['shenzhen', '深圳'], Chengdu: ['chengdu', '成都'],
    Guangzhou: ['guangzhou', '广州'], Hangzhou: ['hangzhou', '杭州'], 'New York': ['new york', 'nyc', 'new york city', '纽约'],
    'San Francisco': ['san francisco', 'sf', 'bay area', '旧金山'], Seattle: ['seattle', '西雅图'], London: ['london', '伦敦'],
    Toronto: ['toronto', '多伦多'], 'Los Angeles': ['los angeles', '洛杉矶'],
  },
};

export const STATIC_LEXICON: readonly LexiconEntry[] = Object.entries(GROUPS).flatMap(([label, values]) =>
  Object.entries(values).flatMap(([value, phrases]) =>
    phrases.map((phrase) => ({ label: label as LexiconEntry['label'], value, phrase })),
  ),
);
