import type { CatalogItem } from '../data/catalog/types.js';
import { formatPrice } from './currency.js';
import type { RecommendRequest } from './request.js';

const LEVEL_ZH: Record<string, string> = { beginner: '入门', intermediate: '进阶', advanced: '高级' };

/** One short line on why an item fits the request, in the user's language. */
export function reasonFor(item: CatalogItem, req: RecommendRequest): string {
  const zh = req.userLanguage === 'zh';
  const parts: string[] = [];
  switch (item.kind) {
    case 'course': {
      if (req.level === item.level) parts.push(zh ? `${LEVEL_ZH[item.level]}级别` : `${cap(item.level)} level`);
      if (req.topic && item.topics.includes(req.topic)) parts.push(zh ? `主题：${req.topic}` : `covers ${req.topic}`);
      if (req.budget?.max !== undefined) {
        const limit = formatPrice(req.budget.max, req.budget.currency, undefined, zh ? 'zh' : 'en');
        parts.push(zh ? `在你的预算 ${limit} 以内` : `within your ${limit} budget`);
      } else if (item.price === 0) parts.push(zh ? '免费' : 'free');
      if (item.rating !== null) parts.push(`★${item.rating.toFixed(1)}${item.ratingsCount ? ` (${item.ratingsCount.toLocaleString('en-US')})` : ''}`);
      break;
    }
    case 'coupon': {
      if (item.city) parts.push(item.area ? `${item.area}, ${item.city}` : item.city);
      else parts.push(zh ? '线上可用' : 'online');
      parts.push(item.discount);
      parts.push(zh ? `有效期至 ${item.expiresAt.slice(0, 10)}` : `valid until ${item.expiresAt.slice(0, 10)}`);
      break;
    }
    case 'insurance': {
      parts.push(zh ? `适合 ${item.minAge}-${item.maxAge} 岁` : `for ages ${item.minAge}-${item.maxAge}`);
      if (req.age !== undefined) parts.push(zh ? `你 ${req.age} 岁，符合条件` : `you qualify at ${req.age}`);
      parts.push(zh ? `地区：${item.regions.join('/')}` : `sold in ${item.regions.join('/')}`);
      break;
    }
  }
  return parts.join(' · ');
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
