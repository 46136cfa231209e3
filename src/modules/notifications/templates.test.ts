// Templates: ((placeholders)) filled in both languages; a missing or an unexpected value is an
// error naming the placeholder; Korean and English must carry the same placeholders.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors';
import { notificationTemplates, TemplateRegistry } from './templates';

function problemsOf(work: () => unknown): string[] {
  try {
    work();
  } catch (error) {
    if (error instanceof AppError) return (error.errors ?? []).map((p) => `${p.field} ${p.message}`);
    throw error;
  }
  throw new Error('expected an error');
}

describe('notification templates', () => {
  const values = {
    serviceName: { ko: '아동수당', en: 'Child allowance' },
    reason: { ko: '만 8세 미만 자녀가 있습니다', en: 'you have a child under 8' },
    amount: { ko: '월 100,000원', en: 'KRW 100,000 a month' },
    link: 'https://oncegov.example/services/child-allowance',
  };

  it('fills every placeholder in Korean and English, per-language values in their language', () => {
    const rendered = notificationTemplates.render('benefit-eligible', values);
    expect(rendered.title).toEqual({ ko: '아동수당 신청 대상입니다', en: 'You can get Child allowance' });
    expect(rendered.body.ko).toContain('확인된 이유: 만 8세 미만 자녀가 있습니다');
    expect(rendered.body.en).toContain('Amount: KRW 100,000 a month');
    expect(rendered.sms.en).toBe('[OnceGov] You can get Child allowance. https://oncegov.example/services/child-allowance');
    expect(JSON.stringify(rendered)).not.toContain('((');
  });

  it('formats numbers for each language and does not expand placeholders inside values', () => {
    const registry = new TemplateRegistry();
    registry.register({ id: 'amount', description: 'x', title: { ko: '((n))원', en: 'KRW ((n))' }, body: { ko: '((text))', en: '((text))' } });
    const rendered = registry.render('amount', { n: 1000000, text: '((n))' });
    expect(rendered.title).toEqual({ ko: '1,000,000원', en: 'KRW 1,000,000' });
    expect(rendered.body.ko).toBe('((n))');
    expect(rendered.sms).toEqual(rendered.title);
  });

  it('refuses a missing value and an extra one, naming each placeholder', () => {
    const { amount: _amount, ...missing } = values;
    expect(problemsOf(() => notificationTemplates.render('benefit-eligible', { ...missing, colour: 'blue' }))).toEqual([
      '/personalisation/amount is required by template benefit-eligible',
      '/personalisation/colour is not a placeholder of template benefit-eligible',
    ]);
  });

  it('refuses values that are not text, a number or {ko, en}', () => {
    expect(problemsOf(() => notificationTemplates.render('benefit-eligible', { ...values, amount: { ko: '1' } as never }))).toEqual([
      '/personalisation/amount must be text (at most 2000 characters), a number, or {ko, en} texts',
    ]);
    expect(problemsOf(() => notificationTemplates.render('benefit-eligible', { ...values, amount: Number.NaN }))).toHaveLength(1);
  });

  it('refuses an unknown template', () => {
    expect(problemsOf(() => notificationTemplates.render('no-such-template', {}))).toEqual(['/templateId is not a registered template']);
  });

  it('refuses a template whose translations use different placeholders, and a different template under a taken id', () => {
    const registry = new TemplateRegistry();
    expect(() => registry.register({ id: 'x-1', description: 'x', title: { ko: '((a))', en: 'A' }, body: { ko: 'b', en: 'b' } })).toThrow(/Korean uses/);
    const template = { id: 'x-2', description: 'x', title: { ko: '((a))', en: '((a))' }, body: { ko: 'b', en: 'b' } };
    registry.register(template);
    registry.register({ ...template });
    expect(() => registry.register({ ...template, body: { ko: 'c', en: 'c' } })).toThrow(/already registered/);
    expect(registry.placeholders('x-2')).toEqual(['a']);
  });
});
