// The breadcrumb trail at the top of a page: Home, then the caller's steps; the last step is the
// current page (aria-current), every earlier one with an address is a link.
import { defineMessages, t, type Locale } from '../i18n';
import { html, type SafeHtml } from './html';

const messages = defineMessages({
  breadcrumb: { ko: '현재 위치', en: 'You are here' },
  home: { ko: '홈', en: 'Home' },
});

export function breadcrumbs(locale: Locale, trail: Array<{ href?: string; label: string }>): SafeHtml {
  const items = [{ href: '/', label: t(locale, messages.home) }, ...trail];
  return html`<nav aria-label="${t(locale, messages.breadcrumb)}" class="breadcrumbs"><ol>${items.map((item, i) =>
    item.href && i < items.length - 1 ? html`<li><a href="${item.href}">${item.label}</a></li>` : html`<li aria-current="page">${item.label}</li>`,
  )}</ol></nav>`;
}
