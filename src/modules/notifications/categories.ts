// Notification categories (shared ids, /work/notes/shared-ids.md): every notification belongs to
// one, and residents opt out per category.
import type { Message } from '../../core/i18n';

export const NOTIFICATION_CATEGORIES = ['child', 'elderly', 'disability', 'income-support', 'employment', 'health', 'housing', 'general'] as const;
export type NotificationCategory = (typeof NOTIFICATION_CATEGORIES)[number];

export const CATEGORY_TITLES: Record<NotificationCategory, { title: Message; hint: Message }> = {
  child: { title: { ko: '출산·육아', en: 'Birth and childcare' }, hint: { ko: '아동수당, 부모급여, 예방접종 등', en: 'Child allowance, parental benefit, vaccinations and more' } },
  elderly: { title: { ko: '노인', en: 'Older people' }, hint: { ko: '기초연금 등', en: 'Basic pension and more' } },
  disability: { title: { ko: '장애인', en: 'Disability' }, hint: { ko: '장애인연금 등', en: 'Disability pension and more' } },
  'income-support': { title: { ko: '생활·소득 지원', en: 'Income support' }, hint: { ko: '저소득 가구 지원 등', en: 'Support for low-income households and more' } },
  employment: { title: { ko: '일자리', en: 'Employment' }, hint: { ko: '구직·고용 지원', en: 'Job seeking and employment support' } },
  health: { title: { ko: '건강', en: 'Health' }, hint: { ko: '건강검진, 의료 지원', en: 'Health checks, medical support' } },
  housing: { title: { ko: '주거', en: 'Housing' }, hint: { ko: '주거 급여, 임대 지원', en: 'Housing benefit, rental support' } },
  general: { title: { ko: '일반 안내', en: 'General notices' }, hint: { ko: '그 밖의 정부 안내', en: 'Other notices from government' } },
};

export function isNotificationCategory(value: unknown): value is NotificationCategory {
  return typeof value === 'string' && (NOTIFICATION_CATEGORIES as readonly string[]).includes(value);
}
