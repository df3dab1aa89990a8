/**
 * Money as integer minor units. Amounts typed by people ("12.50") are parsed as decimal text,
 * never through a float, with the currency's own number of decimals (USD 2, JPY 0, CNY 2).
 */

/** Decimals of the currency's minor unit; undefined for a code Intl does not know. */
export function minorDigits(currency: string): number | undefined {
  if (!/^[A-Z]{3}$/.test(currency)) return undefined;
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
  } catch {
    return undefined;
  }
}

/** "12.5" USD -> 1250. Throws a message (no field name; the caller adds it). */
export function parseMinor(amount: string | number, currency: string): number {
  const digits = minorDigits(currency);
  if (digits === undefined) throw new Error(`unknown currency "${currency}"`);
  if (typeof amount === 'number') {
    if (!Number.isFinite(amount)) throw new Error('must be a number');
    amount = String(amount);
  }
  const m = /^\s*(\d{1,12})(?:\.(\d*))?\s*$/.exec(amount);
  if (!m) throw new Error(`"${amount}" is not an amount (digits, optionally with a decimal point)`);
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) throw new Error(`${currency} has ${digits} decimal${digits === 1 ? '' : 's'}; "${amount}" has more`);
  return Number(m[1]) * 10 ** digits + (fraction ? Number(fraction.padEnd(digits, '0')) : 0);
}

/** 1250 USD -> "12.50". */
export function formatMinor(minor: number, currency: string): string {
  const digits = minorDigits(currency) ?? 2;
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  if (digits === 0) return `${sign}${abs}`;
  const unit = 10 ** digits;
  return `${sign}${Math.floor(abs / unit)}.${String(abs % unit).padStart(digits, '0')}`;
}
