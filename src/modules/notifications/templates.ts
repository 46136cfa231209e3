// Notification templates in Korean and English with ((placeholder)) personalisation, as in
// GOV.UK Notify. A template is registered once (by this module, or by the module whose notices it
// is, e.g. the proactive engine registering `benefit-eligible`); every send names a template and
// gives exactly its placeholders: a missing value and an unexpected one are both errors, so a
// notice never goes out with a hole in it or with data the template did not mean to carry.
import { AppError, type FieldProblem } from '../../core/errors';
import type { Locale, Message } from '../../core/i18n';

export interface NotificationTemplate {
  /** Stable id, e.g. 'benefit-eligible' (lower-case letters, digits and dashes). */
  id: string;
  /** For the people who maintain templates: what the notice is for. */
  description: string;
  /** The inbox title and the email subject. */
  title: Message;
  /** The inbox text and the email body: plain text, a blank line between paragraphs. */
  body: Message;
  /** The SMS text (keep it short); without it, the title is sent. The notice's link is appended. */
  sms?: Message;
}

/** A value: the same in both languages (text or a number, formatted per language) or one per language. */
export type PersonalisationValue = string | number | Message;
export type Personalisation = Record<string, PersonalisationValue>;

export interface RenderedTemplate {
  title: Message;
  body: Message;
  sms: Message;
}

const PLACEHOLDER = /\(\(([A-Za-z][A-Za-z0-9_]{0,63})\)\)/g;
const TEMPLATE_ID = /^[a-z][a-z0-9-]{1,79}$/;
const MAX_VALUE_LENGTH = 2000;

function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

function textParts(template: NotificationTemplate): Array<[string, string]> {
  const parts: Array<[string, string]> = [];
  for (const locale of ['ko', 'en'] as const) {
    parts.push([`title/${locale}`, template.title[locale]], [`body/${locale}`, template.body[locale]]);
    if (template.sms) parts.push([`sms/${locale}`, template.sms[locale]]);
  }
  return parts;
}

function formatValue(value: PersonalisationValue, locale: Locale): string {
  if (typeof value === 'number') return value.toLocaleString(locale === 'ko' ? 'ko-KR' : 'en-GB');
  if (typeof value === 'string') return value;
  return value[locale];
}

function isValue(value: unknown): value is PersonalisationValue {
  if (typeof value === 'string') return value.length <= MAX_VALUE_LENGTH;
  if (typeof value === 'number') return Number.isFinite(value);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const v = value as Record<string, unknown>;
    return keys.length === 2 && typeof v.ko === 'string' && typeof v.en === 'string' && v.ko.length <= MAX_VALUE_LENGTH && v.en.length <= MAX_VALUE_LENGTH;
  }
  return false;
}

export class TemplateRegistry {
  private readonly templates = new Map<string, { template: NotificationTemplate; placeholders: string[] }>();

  /**
   * Adds a template. Its Korean and English texts must use the same placeholders (a translation
   * that drops one would silently lose information). Registering the very same template again is
   * harmless; a different one under a taken id is an error.
   */
  register(template: NotificationTemplate): void {
    if (!TEMPLATE_ID.test(template.id)) throw new Error(`template id "${template.id}" must be lower-case letters, digits and dashes`);
    const byLocale = { ko: new Set<string>(), en: new Set<string>() };
    for (const [part, text] of textParts(template)) {
      if (typeof text !== 'string' || text.trim() === '') throw new Error(`template ${template.id}: ${part} is empty`);
      for (const name of placeholdersIn(text)) byLocale[part.endsWith('/ko') ? 'ko' : 'en'].add(name);
    }
    const ko = [...byLocale.ko].sort();
    const en = [...byLocale.en].sort();
    if (ko.join() !== en.join()) {
      throw new Error(`template ${template.id}: Korean uses ((${ko.join(')), ((')})) but English uses ((${en.join(')), ((')}))`);
    }
    const existing = this.templates.get(template.id);
    if (existing) {
      if (JSON.stringify(existing.template) === JSON.stringify(template)) return;
      throw new Error(`a different template is already registered as ${template.id}`);
    }
    this.templates.set(template.id, { template: structuredClone(template), placeholders: ko });
  }

  has(id: string): boolean {
    return this.templates.has(id);
  }

  get(id: string): NotificationTemplate | undefined {
    return this.templates.get(id)?.template;
  }

  list(): NotificationTemplate[] {
    return [...this.templates.values()].map((entry) => entry.template);
  }

  /** The placeholders a send of this template must fill, sorted. */
  placeholders(id: string): string[] {
    const entry = this.templates.get(id);
    if (!entry) throw new AppError('VALIDATION_FAILED', `There is no notification template ${id}.`, [{ field: '/templateId', message: 'is not a registered template' }]);
    return [...entry.placeholders];
  }

  /**
   * Both languages of a template filled with the values. Every problem at once, each naming its
   * placeholder (`/personalisation/<name>`): missing, not used by the template, or not a value.
   */
  render(id: string, personalisation: Personalisation): RenderedTemplate {
    const entry = this.templates.get(id);
    if (!entry) throw new AppError('VALIDATION_FAILED', `There is no notification template ${id}.`, [{ field: '/templateId', message: 'is not a registered template' }]);
    const values: Record<string, unknown> = personalisation && typeof personalisation === 'object' ? personalisation : {};
    const problems: FieldProblem[] = [];
    for (const name of entry.placeholders) {
      if (!Object.hasOwn(values, name)) problems.push({ field: `/personalisation/${name}`, message: `is required by template ${id}` });
      else if (!isValue(values[name])) problems.push({ field: `/personalisation/${name}`, message: `must be text (at most ${MAX_VALUE_LENGTH} characters), a number, or {ko, en} texts` });
    }
    for (const name of Object.keys(values)) {
      if (!entry.placeholders.includes(name)) problems.push({ field: `/personalisation/${name}`, message: `is not a placeholder of template ${id}` });
    }
    if (problems.length) throw new AppError('VALIDATION_FAILED', problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
    const fill = (text: string, locale: Locale) => text.replace(PLACEHOLDER, (_whole, name: string) => formatValue(values[name] as PersonalisationValue, locale));
    const both = (message: Message): Message => ({ ko: fill(message.ko, 'ko'), en: fill(message.en, 'en') });
    const { template } = entry;
    return { title: both(template.title), body: both(template.body), sms: both(template.sms ?? template.title) };
  }
}

/** The platform's templates. Other modules add theirs with `notificationTemplates.register(...)`. */
export const notificationTemplates = new TemplateRegistry();

notificationTemplates.register({
  id: 'benefit-eligible',
  description: 'The proactive engine found the resident eligible for a benefit service',
  title: { ko: '((serviceName)) 신청 대상입니다', en: 'You can get ((serviceName))' },
  body: {
    ko: '((serviceName)) 지원 대상으로 확인되었습니다.\n\n확인된 이유: ((reason))\n\n지원 금액: ((amount))\n\n신청하기: ((link))',
    en: 'You are eligible for ((serviceName)).\n\nWhy: ((reason))\n\nAmount: ((amount))\n\nApply: ((link))',
  },
  sms: { ko: '[OnceGov] ((serviceName)) 신청 대상입니다. ((link))', en: '[OnceGov] You can get ((serviceName)). ((link))' },
});

notificationTemplates.register({
  id: 'general-notice',
  description: 'A plain notice from an agency, its text given whole',
  title: { ko: '((subject))', en: '((subject))' },
  body: { ko: '((message))', en: '((message))' },
});
