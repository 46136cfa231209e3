// Pieces every server-rendered form shares: the error summary at the top of a page (one link per
// problem to its field, announced as an alert) and the period filter of the record lists.
import { defineMessages, t, type Locale, type Message } from '../i18n';
import { PERIOD_MESSAGES, type Period, type PeriodField } from '../period';
import { html, type SafeHtml } from './html';

export const FORM_MESSAGES = defineMessages({
  errorSummary: { ko: '입력 내용을 확인해 주세요', en: 'There is a problem' },
});

export interface SummaryProblem {
  /** The id of the field the link jumps to (without '#'). */
  target: string;
  message: string | SafeHtml;
}

/** The page's error summary, or nothing when there is no problem. */
export function errorSummary(
  locale: Locale,
  problems: Iterable<SummaryProblem>,
  options: { title?: Message; headingLevel?: 2 | 3 } = {},
): SafeHtml | '' {
  const list = [...problems];
  if (list.length === 0) return '';
  const level = options.headingLevel ?? 2;
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h${level} id="error-summary-title">${t(locale, options.title ?? FORM_MESSAGES.errorSummary)}</h${level}>
<ul>${list.map((p) => html`<li><a href="#${p.target}">${p.message}</a></li>`)}</ul></div>`;
}

/**
 * The period filter of a record list (a GET form to `action`): both dates with hints, each
 * problem beside its field, and the summary of those problems above the form.
 */
export function periodFilter(locale: Locale, action: string, period: Period, invalid: Map<PeriodField, string>): SafeHtml {
  const field = (name: PeriodField) => {
    const error = invalid.get(name);
    return html`<div class="field${error ? ' field-error' : ''}"><label for="${name}">${t(locale, PERIOD_MESSAGES[name])}</label>
<p class="hint" id="${name}-hint">${t(locale, PERIOD_MESSAGES.dateHint)}</p>
${error ? html`<p class="error-message" id="${name}-error">${error}</p>` : ''}
<input id="${name}" name="${name}" type="date" value="${period[name] ?? ''}" aria-describedby="${name}-hint${error ? ` ${name}-error` : ''}"${error ? html` aria-invalid="true"` : ''}></div>`;
  };
  return html`${errorSummary(locale, [...invalid].map(([name, message]) => ({ target: name, message: `${t(locale, PERIOD_MESSAGES[name])}: ${message}` })))}
<form method="get" action="${action}" class="form" aria-labelledby="filter-heading" novalidate>
<h2 id="filter-heading">${t(locale, PERIOD_MESSAGES.filter)}</h2>
<input type="hidden" name="lang" value="${locale}">
${field('periodStart')}
${field('periodEnd')}
<button type="submit" class="button">${t(locale, PERIOD_MESSAGES.show)}</button>
${period.periodStart || period.periodEnd ? html` <a href="${action}?lang=${locale}">${t(locale, PERIOD_MESSAGES.clear)}</a>` : ''}
</form>`;
}
