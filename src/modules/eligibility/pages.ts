// The resident's page of benefits (/me/benefits): every published rule decided for them today,
// the benefits they (or their household) qualify for first, each with its explanation; the others
// with the conditions they do not meet. Server-rendered, no JavaScript; the decision is audited
// by EligibilityService as a read about the resident.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { redirectToSignIn } from '../../core/auth';
import { AppError } from '../../core/errors';
import { defineMessages, formatDate, t, type Locale } from '../../core/i18n';
import { LocaleQuery, pageSchema } from '../../core/schemas';
import { html } from '../../core/web/html';
import { renderPage } from '../../core/web/layout';
import { formatNumber } from './format';
import { contextOf } from './routes';
import type { EligibilityService, ResidentDecision } from './service';

const messages = defineMessages({
  title: { ko: '받을 수 있는 혜택', en: 'Benefits for you' },
  lead: {
    ko: '{date} 기준으로 주민등록·소득·장애 정보에 {count}개 혜택의 자격 규칙을 적용한 결과입니다. 판정마다 그 이유를 함께 보여 드립니다.',
    en: 'The eligibility rules of {count} benefits applied to your resident-register, income and disability records as of {date}. Each decision comes with its reasons.',
  },
  eligibleTitle: { ko: '자격이 있는 혜택 ({count}개)', en: 'Benefits you qualify for ({count})' },
  noneEligible: { ko: '지금 자격이 있는 혜택이 없습니다.', en: 'You do not qualify for any benefit at the moment.' },
  othersTitle: { ko: '자격이 없는 혜택 ({count}개)', en: 'Benefits you do not qualify for ({count})' },
  othersSummary: { ko: '자격이 없는 혜택과 그 이유 보기', en: 'Show the other benefits and why' },
  household: { ko: '가구 단위 혜택', en: 'For your household' },
  amount: { ko: '지원 금액', en: 'Amount' },
  month: { ko: '매월 {amount}원', en: '{amount} KRW a month' },
  year: { ko: '매년 {amount}원', en: '{amount} KRW a year' },
  once: { ko: '한 번 {amount}원', en: '{amount} KRW once' },
  reasons: { ko: '판정 이유', en: 'Why' },
  met: { ko: '충족', en: 'met' },
  notMet: { ko: '미충족', en: 'not met' },
  residentsOnly: { ko: '주민만 볼 수 있는 화면입니다.', en: 'Only residents can see this page.' },
});

function todayInSeoul(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date());
}

function amountText(locale: Locale, decision: ResidentDecision): string | null {
  if (!decision.period || decision.amount <= 0) return null;
  return t(locale, messages[decision.period], { amount: formatNumber(decision.amount) });
}

function decisionItem(locale: Locale, decision: ResidentDecision) {
  const amount = amountText(locale, decision);
  const id = `benefit-${decision.ruleId}`;
  return html`<li class="benefit" aria-labelledby="${id}"><h3 id="${id}">${decision.title[locale]}</h3>
${decision.entity === 'household' ? html`<p class="hint">${t(locale, messages.household)}</p>` : ''}
${amount && decision.eligible ? html`<p><strong>${t(locale, messages.amount)}:</strong> ${amount}</p>` : ''}
<p>${decision.explanation.summary[locale]}</p>
<ul>${decision.explanation.conditions.map((c) => html`<li>${c.text[locale]} — ${t(locale, c.passed ? messages.met : messages.notMet)}</li>`)}</ul></li>`;
}

export function benefitsPages(eligibility: EligibilityService) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    app.get('/me/benefits', { schema: { ...pageSchema('Benefits the signed-in resident qualifies for, with reasons', { errors: [403] }), querystring: LocaleQuery } }, async (request, reply) => {
      const principal = request.principal;
      if (!principal) return redirectToSignIn(request, reply);
      if (principal.role !== 'resident' || principal.residentId === null) throw new AppError('FORBIDDEN', t(request.locale, messages.residentsOnly));
      const locale = request.locale;
      const date = todayInSeoul();
      const decisions = await eligibility.evaluateResident(contextOf(request), principal.residentId, date);
      const eligible = decisions.filter((d) => d.eligible);
      const others = decisions.filter((d) => !d.eligible);
      return renderPage(request, reply, {
        title: t(locale, messages.title),
        body: html`<h1>${t(locale, messages.title)}</h1>
<p>${t(locale, messages.lead, { date: formatDate(locale, date), count: decisions.length })}</p>
<section aria-labelledby="eligible-heading"><h2 id="eligible-heading">${t(locale, messages.eligibleTitle, { count: eligible.length })}</h2>
${eligible.length ? html`<ul class="benefits">${eligible.map((d) => decisionItem(locale, d))}</ul>` : html`<p>${t(locale, messages.noneEligible)}</p>`}</section>
<section aria-labelledby="others-heading"><h2 id="others-heading">${t(locale, messages.othersTitle, { count: others.length })}</h2>
<details><summary>${t(locale, messages.othersSummary)}</summary><ul class="benefits">${others.map((d) => decisionItem(locale, d))}</ul></details></section>`,
      });
    });
  };
}
