// The resident's notification pages, Korean and English, without JavaScript: the inbox
// (`/me/inbox`: newest first, unread marked in words, mark as read, pages), one notice with its
// link and how it was delivered (opening it marks it read), and the notification settings
// (`/me/notification-preferences`: a checkbox per category, the language of email and SMS).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { redirectToSignIn } from '../../core/auth';
import { defineMessages, formatDateTime, t, type Locale } from '../../core/i18n';
import { LocaleQuery, pageSchema } from '../../core/schemas';
import { html, type SafeHtml } from '../../core/web/html';
import { renderPage } from '../../core/web/layout';
import { CATEGORY_TITLES, NOTIFICATION_CATEGORIES } from './categories';
import { notificationContextOf } from './routes';
import { NOTIFICATION_ID_PATTERN, type DeliveryStatus, type Notification, type NotificationsService } from './service';

const PAGE_SIZE = 20;

const messages = defineMessages({
  inbox: { ko: '알림함', en: 'Inbox' },
  inboxLead: {
    ko: '정부가 보낸 알림입니다. 최신 알림이 먼저 나옵니다. 알림을 열면 읽음으로 표시됩니다.',
    en: 'Notices from government, newest first. Opening a notice marks it as read.',
  },
  unreadCount: { ko: '읽지 않은 알림: {n}건', en: 'Unread notices: {n}' },
  empty: { ko: '받은 알림이 없습니다.', en: 'You have no notices.' },
  caption: { ko: '알림: 전체 {total}건 중 {from}–{to}번째', en: 'Notices: {from}–{to} of {total}' },
  status: { ko: '상태', en: 'Status' },
  notice: { ko: '알림', en: 'Notice' },
  category: { ko: '분야', en: 'Category' },
  received: { ko: '받은 때', en: 'Received' },
  action: { ko: '처리', en: 'Action' },
  unread: { ko: '읽지 않음', en: 'Unread' },
  read: { ko: '읽음', en: 'Read' },
  markRead: { ko: '읽음으로 표시', en: 'Mark as read' },
  markReadOf: { ko: '읽음으로 표시: {title}', en: 'Mark as read: {title}' },
  doneRead: { ko: '알림을 읽음으로 표시했습니다.', en: 'The notice is marked as read.' },
  paging: { ko: '페이지 이동', en: 'Pages' },
  previous: { ko: '이전 {n}건', en: 'Previous {n}' },
  next: { ko: '다음 {n}건', en: 'Next {n}' },
  settingsLink: { ko: '알림 설정(받을 알림 분야, 언어)', en: 'Notification settings (which notices, language)' },
  openLink: { ko: '자세히 보기', en: 'Find out more' },
  sentBy: { ko: '이메일·문자 발송', en: 'Email and text message' },
  notSent: { ko: '등록된 이메일이나 휴대전화가 없어 알림함에만 보냈습니다.', en: 'Sent to your inbox only: you have no email address or mobile number registered.' },
  email: { ko: '이메일', en: 'Email' },
  sms: { ko: '문자 메시지', en: 'Text message' },
  'status-created': { ko: '보내기 전', en: 'Waiting to be sent' },
  'status-sending': { ko: '보내는 중', en: 'Sending' },
  'status-delivered': { ko: '전달됨', en: 'Delivered' },
  'status-temporary-failure': { ko: '지금은 전달되지 않음(다시 시도)', en: 'Not delivered for now (trying again)' },
  'status-permanent-failure': { ko: '전달 불가: 연락처를 확인하세요', en: 'Not delivered: check your contact details' },
  'status-technical-failure': { ko: '시스템 문제로 다시 보내는 중', en: 'Technical problem: we will try again' },
  readOn: { ko: '읽은 때', en: 'Read' },
  back: { ko: '알림함으로 돌아가기', en: 'Back to the inbox' },
  settings: { ko: '알림 설정', en: 'Notification settings' },
  settingsLead: {
    ko: '받고 싶은 알림 분야를 고르세요. 선택하지 않은 분야의 알림은 알림함, 이메일, 문자 어디로도 보내지 않습니다.',
    en: 'Choose the notices you want. Notices in a category you leave unticked are not sent at all: not to your inbox, by email or by text message.',
  },
  categoriesLegend: { ko: '받을 알림', en: 'Notices I want' },
  languageLegend: { ko: '이메일·문자 언어', en: 'Language of emails and text messages' },
  ko: { ko: '한국어', en: '한국어 (Korean)' },
  en: { ko: 'English (영어)', en: 'English' },
  contactHint: { ko: '이메일과 문자는 나의 정보에 등록한 연락처로 보냅니다.', en: 'Emails and text messages go to the contact details in My information.' },
  contactLink: { ko: '연락처 바꾸기', en: 'Change contact details' },
  save: { ko: '저장', en: 'Save' },
  saved: { ko: '알림 설정을 저장했습니다.', en: 'Your notification settings were saved.' },
  staffOnly: { ko: '알림함은 주민만 이용할 수 있습니다.', en: 'Only residents have an inbox.' },
});

function statusText(locale: Locale, status: DeliveryStatus): string {
  return t(locale, messages[`status-${status}`]);
}

function paragraphs(text: string): SafeHtml[] {
  return text
    .split(/\n{2,}/)
    .filter((p) => p.trim() !== '')
    .map((p) => html`<p>${p.split('\n').map((line, i) => (i === 0 ? html`${line}` : html`<br>${line}`))}</p>`);
}

function inboxHref(locale: Locale, offset: number, done?: string): string {
  const query = new URLSearchParams();
  if (offset > 0) query.set('offset', String(offset));
  if (done) query.set('done', done);
  query.set('lang', locale);
  return `/me/inbox?${query}`;
}

export function notificationsPages(notifications: NotificationsService) {
  const isResident = (request: FastifyRequest) => request.principal?.role === 'resident' && request.principal.residentId !== null;

  function staffPage(request: FastifyRequest, reply: FastifyReply, title: string) {
    return renderPage(request, reply, { title, body: html`<h1>${title}</h1><p>${t(request.locale, messages.staffOnly)}</p>` });
  }

  function inboxRow(request: FastifyRequest, locale: Locale, n: Notification, offset: number) {
    const title = n.title[locale];
    return html`<tr>
<td>${n.readAt ? t(locale, messages.read) : html`<strong>${t(locale, messages.unread)}</strong>`}</td>
<td><a href="/me/inbox/${n.id}">${n.readAt ? title : html`<strong>${title}</strong>`}</a></td>
<td>${CATEGORY_TITLES[n.category].title[locale]}</td>
<td><time datetime="${n.createdAt}">${formatDateTime(locale, new Date(n.createdAt))}</time></td>
<td>${
      n.readAt
        ? ''
        : html`<form method="post" action="/me/inbox/${n.id}/read"><input type="hidden" name="_csrf" value="${request.csrfToken}">
<input type="hidden" name="offset" value="${offset}">
<button type="submit" class="link-button" aria-label="${t(locale, messages.markReadOf, { title })}">${t(locale, messages.markRead)}</button></form>`
    }</td></tr>`;
  }

  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/me/inbox',
      {
        schema: {
          ...pageSchema('Inbox: the signed-in resident\'s notifications, newest first, unread marked (audited); signed-out visitors are sent to sign in'),
          querystring: Type.Object({
            lang: LocaleQuery.properties.lang,
            offset: Type.Optional(Type.String({ maxLength: 10 })),
            done: Type.Optional(Type.String({ maxLength: 20 })),
          }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        const locale = request.locale;
        const title = t(locale, messages.inbox);
        if (!isResident(request)) return staffPage(request, reply, title);
        const offset = /^\d{1,7}$/.test(request.query.offset ?? '') ? Number(request.query.offset) : 0;
        const page = await notifications.listForResident(notificationContextOf(request), { offset, limit: PAGE_SIZE });
        const from = page.total === 0 ? 0 : offset + 1;
        const to = offset + page.items.length;
        return renderPage(request, reply, {
          title,
          body: html`<h1>${title}</h1>
${request.query.done === 'read' ? html`<div class="success" role="status"><p>${t(locale, messages.doneRead)}</p></div>` : ''}
<p>${t(locale, messages.inboxLead)}</p>
<p id="unread-count">${t(locale, messages.unreadCount, { n: page.unread })}</p>
<p><a href="/me/notification-preferences">${t(locale, messages.settingsLink)}</a></p>
${
  page.total === 0
    ? html`<p class="notice" id="inbox-empty">${t(locale, messages.empty)}</p>`
    : html`<table id="inbox"><caption>${t(locale, messages.caption, { total: page.total, from, to })}</caption>
<thead><tr><th scope="col">${t(locale, messages.status)}</th><th scope="col">${t(locale, messages.notice)}</th><th scope="col">${t(locale, messages.category)}</th><th scope="col">${t(locale, messages.received)}</th><th scope="col">${t(locale, messages.action)}</th></tr></thead>
<tbody>${page.items.map((n) => inboxRow(request, locale, n, offset))}</tbody></table>`
}
${
  offset > 0 || to < page.total
    ? html`<nav aria-label="${t(locale, messages.paging)}"><ul class="choice-list">
${offset > 0 ? html`<li><a href="${inboxHref(locale, Math.max(0, offset - PAGE_SIZE))}">${t(locale, messages.previous, { n: PAGE_SIZE })}</a></li>` : ''}
${to < page.total ? html`<li><a href="${inboxHref(locale, to)}">${t(locale, messages.next, { n: Math.min(PAGE_SIZE, page.total - to) })}</a></li>` : ''}
</ul></nav>`
    : ''
}`,
        });
      },
    );

    app.get(
      '/me/inbox/:id',
      {
        schema: {
          ...pageSchema('Inbox: one notification with its link and delivery status; opening it marks it read (audited; someone else\'s: 404)', { errors: [404] }),
          params: Type.Object({ id: Type.String({ pattern: NOTIFICATION_ID_PATTERN, maxLength: 40 }) }),
          querystring: LocaleQuery,
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        const locale = request.locale;
        if (!isResident(request)) return staffPage(request, reply, t(locale, messages.inbox));
        const n = await notifications.get(notificationContextOf(request), request.params.id, { markRead: true });
        return renderPage(request, reply, {
          title: n.title[locale],
          body: html`<h1>${n.title[locale]}</h1>
<dl class="facts" id="notification-facts">
<dt>${t(locale, messages.received)}</dt><dd><time datetime="${n.createdAt}">${formatDateTime(locale, new Date(n.createdAt))}</time></dd>
<dt>${t(locale, messages.category)}</dt><dd>${CATEGORY_TITLES[n.category].title[locale]}</dd>
${n.readAt ? html`<dt>${t(locale, messages.readOn)}</dt><dd><time datetime="${n.readAt}">${formatDateTime(locale, new Date(n.readAt))}</time></dd>` : ''}
</dl>
<div id="notification-body">${paragraphs(n.body[locale])}</div>
${n.link ? html`<p><a class="button" href="${n.link}">${t(locale, messages.openLink)}</a></p>` : ''}
<h2>${t(locale, messages.sentBy)}</h2>
${
  n.deliveries.length === 0
    ? html`<p>${t(locale, messages.notSent)}</p>`
    : html`<dl class="facts" id="deliveries">${n.deliveries.map((d) => html`<dt>${t(locale, messages[d.channel])}</dt><dd>${statusText(locale, d.status)}</dd>`)}</dl>`
}
<p><a href="/me/inbox">${t(locale, messages.back)}</a></p>`,
        });
      },
    );

    app.post(
      '/me/inbox/:id/read',
      {
        schema: {
          ...pageSchema('Inbox: mark a notification as read from the list (audited); back to the same page of the inbox', { redirects: true, errors: [403, 404] }),
          params: Type.Object({ id: Type.String({ pattern: NOTIFICATION_ID_PATTERN, maxLength: 40 }) }),
          body: Type.Object({ _csrf: Type.String({ maxLength: 100 }), offset: Type.Optional(Type.String({ maxLength: 10 })) }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        await notifications.markRead(notificationContextOf(request), request.params.id);
        const offset = /^\d{1,7}$/.test(request.body.offset ?? '') ? Number(request.body.offset) : 0;
        return reply.redirect(inboxHref(request.locale, offset, 'read'), 303);
      },
    );

    app.get(
      '/me/notification-preferences',
      {
        schema: {
          ...pageSchema('Notification settings: which categories of notices the signed-in resident receives, and their language (audited)'),
          querystring: Type.Object({ lang: LocaleQuery.properties.lang, saved: Type.Optional(Type.Literal('1')) }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        const locale = request.locale;
        const title = t(locale, messages.settings);
        if (!isResident(request)) return staffPage(request, reply, title);
        const preferences = await notifications.getPreferences(notificationContextOf(request));
        const language = preferences.language ?? 'ko';
        return renderPage(request, reply, {
          title,
          body: html`<h1>${title}</h1>
${request.query.saved === '1' ? html`<div class="success" role="status"><p>${t(locale, messages.saved)}</p></div>` : ''}
<p>${t(locale, messages.settingsLead)}</p>
<form method="post" action="/me/notification-preferences" class="form">
<input type="hidden" name="_csrf" value="${request.csrfToken}">
<fieldset id="categories"><legend>${t(locale, messages.categoriesLegend)}</legend>
${NOTIFICATION_CATEGORIES.map(
  (id) => html`<div><input type="checkbox" id="receive-${id}" name="receive" value="${id}" aria-describedby="receive-${id}-hint"${preferences.optedOut.includes(id) ? '' : html` checked`}>
<label for="receive-${id}">${CATEGORY_TITLES[id].title[locale]}</label>
<p class="hint" id="receive-${id}-hint">${CATEGORY_TITLES[id].hint[locale]}</p></div>`,
)}
</fieldset>
<fieldset id="language"><legend>${t(locale, messages.languageLegend)}</legend>
${(['ko', 'en'] as const).map(
  (l) => html`<div><input type="radio" id="language-${l}" name="language" value="${l}"${language === l ? html` checked` : ''}>
<label for="language-${l}" lang="${l}">${t(locale, messages[l])}</label></div>`,
)}
</fieldset>
<p class="hint">${t(locale, messages.contactHint)} <a href="/me#contact-heading">${t(locale, messages.contactLink)}</a></p>
<button type="submit" class="button">${t(locale, messages.save)}</button>
</form>
<p><a href="/me/inbox">${t(locale, messages.back)}</a></p>`,
        });
      },
    );

    app.post(
      '/me/notification-preferences',
      {
        schema: {
          ...pageSchema('Notification settings: save from the form (audited); unticked categories are opted out of', { redirects: true, errors: [400, 403] }),
          body: Type.Object({
            _csrf: Type.String({ maxLength: 100 }),
            receive: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: NOTIFICATION_CATEGORIES.length })),
            language: Type.Optional(Type.String({ maxLength: 2 })),
          }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        const receive = new Set(request.body.receive ?? []);
        const unknown = [...receive].filter((c) => !(NOTIFICATION_CATEGORIES as readonly string[]).includes(c));
        // An unknown category can only come from a tampered form: the service names the field.
        const optedOut = [...NOTIFICATION_CATEGORIES.filter((c) => !receive.has(c)), ...unknown];
        await notifications.setPreferences(notificationContextOf(request), { optedOut, language: request.body.language || null });
        return reply.redirect(`/me/notification-preferences?saved=1&lang=${request.locale}`, 303);
      },
    );
  };
}
