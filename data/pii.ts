/**
 * Masks email addresses and phone numbers in text bound for logs. Emails keep their first
 * character and domain ("a***@example.com") so an operator can still tell two apart; phone
 * numbers keep their last two digits. Seven or more digits with phone punctuation count as a
 * phone number; prices ("$30"), years and coupon codes (CF-XXXX-...) are left alone.
 */
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g;
const PHONE = /(?<![\w.-])\+?\(?\d[\d\s().-]{5,}\d(?![\w.-]|[.,]\d)/g;

/** ISO dates and times ("2026-11-23 01:53") are digits with dashes too, but not phone numbers. */
const DATE = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2})?$/;

export function maskPii(text: string): string {
  return text
    .replace(EMAIL, (_, first: string, domain: string) => `${first}***@${domain}`)
    .replace(PHONE, (match) => {
      const digits = match.replace(/\D/g, '');
      if (digits.length < 7 || digits.length > 15 || DATE.test(match)) return match;
      return `[phone ***${digits.slice(-2)}]`;
    });
}

/** An error (or anything thrown) as one masked log string, stack included. */
export function maskedError(err: unknown): string {
  const text = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  return maskPii(text);
}

/**
 * A log function that masks every line before passing it on, with an optional prefix ("twitch: ").
 * The composition roots wrap the adapters' `log` with it: their lines can quote what users wrote.
 */
export function maskingLog(log: (line: string) => void, prefix = ''): (line: string) => void {
  return (line) => log(maskPii(`${prefix}${line}`));
}
