/**
 * Approximate exchange rates to USD, used only to compare a price with a budget stated in another
 * currency. They are deliberately round; a deployment that sells across currencies should set
 * its own in the config file (`recommender.usdRates`).
 */
export const DEFAULT_USD_RATES: Readonly<Record<string, number>> = { USD: 1, CNY: 0.14, EUR: 1.08, GBP: 1.27, CAD: 0.73, JPY: 0.0067 };

export class CurrencyConverter {
  constructor(private readonly usdRates: Readonly<Record<string, number>> = DEFAULT_USD_RATES) {}

  /** Converts, or returns undefined when either currency is unknown. */
  convert(amount: number, from: string, to: string): number | undefined {
    if (from === to) return amount;
    const a = this.usdRates[from];
    const b = this.usdRates[to];
    if (a === undefined || b === undefined) return undefined;
    return (amount * a) / b;
  }
}

const SYMBOLS: Record<string, string> = { USD: '$', CNY: '¥', EUR: '€', GBP: '£', CAD: 'CA$', JPY: '¥' };

/** "$19.99", "¥199", "Free"; with a period for insurance premiums ("$4.50/month"). */
export function formatPrice(amount: number, currency: string, period?: string, lang: 'en' | 'zh' = 'en'): string {
  if (amount === 0) return lang === 'zh' ? '免费' : 'Free';
  const symbol = SYMBOLS[currency] ?? currency + ' ';
  const fixed = Number.isInteger(amount) ? String(amount) : amount.toFixed(2);
  const base = `${symbol}${fixed}`;
  if (!period) return base;
  return lang === 'zh' ? `${base}/${period === 'month' ? '月' : period}` : `${base}/${period}`;
}
