// Korean and English text. Each module defines its own messages next to its code with
// `defineMessages`, so a missing translation is a type error rather than a blank on screen.
export const LOCALES = ['ko', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'ko';

export type Message = Record<Locale, string>;

export function defineMessages<T extends Record<string, Message>>(messages: T): T {
  return messages;
}

/** Fills `{name}` placeholders; unknown placeholders are left visible so they get noticed. */
export function t(locale: Locale, message: Message, params: Record<string, string | number> = {}): string {
  return message[locale].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * The locale of a request: an explicit `lang` query parameter wins (the language switch), then the
 * `lang` cookie it leaves behind, then the browser's Accept-Language, then Korean.
 */
export function resolveLocale(input: { query?: unknown; cookie?: string; acceptLanguage?: string }): Locale {
  const queryLang = (input.query as { lang?: unknown } | undefined)?.lang;
  if (isLocale(queryLang)) return queryLang;
  if (isLocale(input.cookie)) return input.cookie;
  for (const part of (input.acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase().slice(0, 2);
    if (isLocale(tag)) return tag;
  }
  return DEFAULT_LOCALE;
}

/** A calendar date ('YYYY-MM-DD') in the reader's language; no time zone can shift it. */
export function formatDate(locale: Locale, isoDate: string): string {
  return new Intl.DateTimeFormat(locale === 'ko' ? 'ko-KR' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(`${isoDate}T00:00:00Z`),
  );
}

export function formatDateTime(locale: Locale, value: Date): string {
  return new Intl.DateTimeFormat(locale === 'ko' ? 'ko-KR' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'medium',
    timeZone: 'Asia/Seoul',
  }).format(value);
}
