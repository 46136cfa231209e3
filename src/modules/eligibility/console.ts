// The staff console for eligibility rules (/console/rules), server-rendered and usable without
// JavaScript: the list of rules, and for each rule its published YAML and a plain textarea editor.
// Saving validates the whole rule (examples included); problems are listed next to the editor with
// their line, column and field, and the text stays as typed. Publishing makes the draft the
// version engines use. Everything goes through EligibilityService, which checks roles and audits.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { redirectToSignIn } from '../../core/auth';
import { AppError, type FieldProblem } from '../../core/errors';
import { defineMessages, formatDateTime, t, type Locale } from '../../core/i18n';
import { LocaleQuery, pageSchema } from '../../core/schemas';
import { html, type SafeHtml } from '../../core/web/html';
import { errorSummary } from '../../core/web/forms';
import { renderPage } from '../../core/web/layout';
import { RuleIdParams } from './schema';
import { contextOf } from './routes';
import type { EligibilityService, RuleVersionSummary } from './service';

const messages = defineMessages({
  title: { ko: '수혜 자격 규칙', en: 'Eligibility rules' },
  lead: {
    ko: '규칙은 자격 조건과 급여액을 정한 YAML 문서입니다. 저장할 때 전체를 검사하고 규칙에 담긴 예시를 모두 실행하며, 문제가 하나라도 있으면 저장하지 않습니다. 게시한 버전만 판정에 쓰입니다.',
    en: 'A rule is a YAML document stating who is eligible and for how much. Saving checks all of it and runs every example it contains; with any problem nothing is saved. Only published versions are used for decisions.',
  },
  rule: { ko: '규칙', en: 'Rule' },
  agency: { ko: '기관', en: 'Agency' },
  category: { ko: '분류', en: 'Category' },
  published: { ko: '게시 버전', en: 'Published version' },
  draft: { ko: '초안 버전', en: 'Draft version' },
  none: { ko: '없음', en: 'none' },
  noRules: { ko: '규칙이 없습니다.', en: 'There are no rules.' },
  newRule: { ko: '새 규칙 작성', en: 'Write a new rule' },
  editor: { ko: '규칙 (YAML)', en: 'Rule (YAML)' },
  editHeading: { ko: '규칙 편집', en: 'Edit the rule' },
  editorHint: {
    ko: '새 버전을 저장하려면 version을 게시 버전보다 크게 바꾸세요. 오류는 줄과 열, 항목 경로로 표시됩니다.',
    en: 'To save a new version, raise version above the published one. Problems are shown with their line, column and field path.',
  },
  save: { ko: '초안 저장', en: 'Save draft' },
  publish: { ko: '초안 버전 {version} 게시', en: 'Publish draft version {version}' },
  publishedSource: { ko: '게시된 규칙', en: 'Published rule' },
  errorSummary: { ko: '규칙에 문제가 있어 저장하지 않았습니다', en: 'The rule has problems and was not saved' },
  errorTitlePrefix: { ko: '오류:', en: 'Error:' },
  lineColumn: { ko: '{line}번째 줄 {column}번째 열, {field}', en: 'line {line}, column {column}, {field}' },
  backToList: { ko: '규칙 목록으로', en: 'Back to the rules' },
  saved: { ko: '초안을 저장했습니다.', en: 'The draft was saved.' },
  publishedDone: { ko: '규칙을 게시했습니다.', en: 'The rule was published.' },
  history: { ko: '버전 기록', en: 'Versions' },
  version: { ko: '버전', en: 'Version' },
  status: { ko: '상태', en: 'Status' },
  savedBy: { ko: '저장한 사람', en: 'Saved by' },
  savedAt: { ko: '저장 시각', en: 'Saved at' },
  status_draft: { ko: '초안', en: 'draft' },
  status_published: { ko: '게시됨', en: 'published' },
  status_superseded: { ko: '이전 버전', en: 'superseded' },
  readOnly: { ko: '감사인은 규칙을 읽을 수만 있습니다.', en: 'Auditors can read rules but not change them.' },
});

const TEMPLATE = `id: my-new-benefit
version: 1
title: { ko: 새 급여, en: New benefit }
agency: MOHW
category: general
entity: person
parameters:
  min_age:
    values:
      - { from: 2026-01-01, value: 65 }
conditions:
  - label: { ko: 만 65세 이상, en: aged 65 or over }
    variable: age
    op: '>='
    value: { param: min_age }
examples:
  - name: aged 70
    date: 2026-03-01
    household: { region: '11', members: [{ role: head, birth_date: 1956-01-01 }] }
    expect: { eligible: true }
`;

/** `/rule/conditions/1 (line 14, column 9)` back into its parts for display. */
function located(problem: FieldProblem): { line: string; column: string; field: string } | null {
  const match = /^\/rule(\S*) \(line (\d+), column (\d+)\)$/.exec(problem.field);
  return match ? { field: match[1] || '/', line: match[2]!, column: match[3]! } : null;
}

function statusText(locale: Locale, status: RuleVersionSummary['status']): string {
  return t(locale, messages[`status_${status}`]);
}

export function rulesConsole(eligibility: EligibilityService) {
  function editor(request: FastifyRequest, source: string, problems: FieldProblem[], canEdit: boolean): SafeHtml {
    const locale = request.locale;
    if (!canEdit) return html`<p class="notice">${t(locale, messages.readOnly)}</p>`;
    const invalid = problems.length > 0;
    const items = problems.map((p) => {
      const where = located(p);
      return where ? html`<li>${t(locale, messages.lineColumn, where)}: ${p.message}</li>` : html`<li>${p.message}</li>`;
    });
    return html`<form method="post" action="/console/rules" class="form" novalidate>
<input type="hidden" name="_csrf" value="${request.csrfToken}">
<div class="field${invalid ? ' field-error' : ''}"><label for="source">${t(locale, messages.editor)}</label>
<p class="hint" id="source-hint">${t(locale, messages.editorHint)}</p>
${invalid ? html`<div class="error-message" id="source-error"><ul>${items}</ul></div>` : ''}
<textarea id="source" name="source" rows="30" cols="100" spellcheck="false" class="code" aria-describedby="source-hint${invalid ? ' source-error' : ''}"${invalid ? html` aria-invalid="true"` : ''}>${source}</textarea></div>
<button type="submit" class="button">${t(locale, messages.save)}</button>
</form>`;
  }

  function ruleErrorSummary(locale: Locale, problems: FieldProblem[]): SafeHtml | '' {
    return errorSummary(
      locale,
      problems.map((p) => {
        const where = located(p);
        return { target: 'source', message: `${where ? `${t(locale, messages.lineColumn, where)}: ` : ''}${p.message}` };
      }),
      { title: messages.errorSummary },
    );
  }

  async function renderList(request: FastifyRequest, reply: FastifyReply, options: { source?: string; problems?: FieldProblem[] } = {}) {
    const locale = request.locale;
    const rows = await eligibility.list(contextOf(request));
    const byRule = new Map<string, { published?: RuleVersionSummary; draft?: RuleVersionSummary }>();
    for (const row of rows) {
      const entry = byRule.get(row.ruleId) ?? {};
      if (row.status === 'published') entry.published = row;
      if (row.status === 'draft') entry.draft = row;
      byRule.set(row.ruleId, entry);
    }
    const problems = options.problems ?? [];
    const title = t(locale, messages.title);
    const canEdit = request.principal?.role !== 'auditor';
    return renderPage(request, reply, {
      status: problems.length ? 400 : 200,
      title: problems.length ? `${t(locale, messages.errorTitlePrefix)} ${title}` : title,
      body: html`<h1>${title}</h1>
${ruleErrorSummary(locale, problems)}
<p>${t(locale, messages.lead)}</p>
<section aria-labelledby="new-heading"><h2 id="new-heading">${t(locale, messages.newRule)}</h2>
${editor(request, options.source ?? TEMPLATE, problems, canEdit)}</section>
<section aria-labelledby="list-heading"><h2 id="list-heading">${t(locale, messages.title)}</h2>
${
  byRule.size === 0
    ? html`<p>${t(locale, messages.noRules)}</p>`
    : html`<table aria-labelledby="list-heading"><thead><tr><th scope="col">${t(locale, messages.rule)}</th><th scope="col">${t(locale, messages.agency)}</th><th scope="col">${t(locale, messages.category)}</th><th scope="col">${t(locale, messages.published)}</th><th scope="col">${t(locale, messages.draft)}</th></tr></thead>
<tbody>${[...byRule].map(([ruleId, { published, draft }]) => {
        const any = (published ?? draft)!;
        return html`<tr><td><a href="/console/rules/${ruleId}">${any.title[locale]}</a> <code>${ruleId}</code></td><td>${any.agency}</td><td>${any.category}</td><td>${published ? String(published.version) : t(locale, messages.none)}</td><td>${draft ? String(draft.version) : t(locale, messages.none)}</td></tr>`;
      })}</tbody></table>`
}</section>`,
    });
  }

  async function renderDetail(request: FastifyRequest, reply: FastifyReply, ruleId: string, options: { source?: string; problems?: FieldProblem[]; done?: 'saved' | 'published' } = {}) {
    const locale = request.locale;
    const detail = await eligibility.get(contextOf(request), ruleId);
    const current = detail.draft ?? detail.published!;
    const problems = options.problems ?? [];
    const title = `${current.title[locale]} (${ruleId})`;
    const canEdit = request.principal?.role !== 'auditor';
    const done = options.done === 'saved' ? t(locale, messages.saved) : options.done === 'published' ? t(locale, messages.publishedDone) : '';
    return renderPage(request, reply, {
      status: problems.length ? 400 : 200,
      title: problems.length ? `${t(locale, messages.errorTitlePrefix)} ${title}` : title,
      body: html`<h1>${title}</h1>
${ruleErrorSummary(locale, problems)}
${done ? html`<div class="success" role="status"><p>${done}</p></div>` : ''}
<p><a href="/console/rules">${t(locale, messages.backToList)}</a></p>
<dl class="facts"><dt>${t(locale, messages.agency)}</dt><dd>${current.agency}</dd><dt>${t(locale, messages.category)}</dt><dd>${current.category}</dd>
<dt>${t(locale, messages.published)}</dt><dd>${detail.published ? String(detail.published.version) : t(locale, messages.none)}</dd>
<dt>${t(locale, messages.draft)}</dt><dd>${detail.draft ? String(detail.draft.version) : t(locale, messages.none)}</dd></dl>
${
  detail.draft && canEdit
    ? html`<form method="post" action="/console/rules/${ruleId}/publication" class="form" novalidate>
<input type="hidden" name="_csrf" value="${request.csrfToken}"><input type="hidden" name="version" value="${String(detail.draft.version)}">
<button type="submit" class="button">${t(locale, messages.publish, { version: detail.draft.version })}</button></form>`
    : ''
}
<section aria-labelledby="edit-heading"><h2 id="edit-heading">${t(locale, messages.editHeading)}</h2>
${editor(request, options.source ?? current.source, problems, canEdit)}</section>
${detail.published && detail.draft ? html`<section aria-labelledby="published-heading"><h2 id="published-heading">${t(locale, messages.publishedSource)}</h2><pre class="code" tabindex="0">${detail.published.source}</pre></section>` : ''}
<section aria-labelledby="history-heading"><h2 id="history-heading">${t(locale, messages.history)}</h2>
<table aria-labelledby="history-heading"><thead><tr><th scope="col">${t(locale, messages.version)}</th><th scope="col">${t(locale, messages.status)}</th><th scope="col">${t(locale, messages.savedBy)}</th><th scope="col">${t(locale, messages.savedAt)}</th></tr></thead>
<tbody>${detail.versions.map((v) => html`<tr><td>${String(v.version)}</td><td>${statusText(locale, v.status)}</td><td>${v.savedBy}</td><td>${formatDateTime(locale, new Date(v.savedAt))}</td></tr>`)}</tbody></table></section>`,
    });
  }

  const signedInStaff = (request: FastifyRequest) => request.principal && request.principal.role !== 'resident';

  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get('/console/rules', { schema: { ...pageSchema('Eligibility rules: list and new rule (staff)', { errors: [403] }), querystring: LocaleQuery } }, async (request, reply) => {
      if (!request.principal) return redirectToSignIn(request, reply);
      if (!signedInStaff(request)) throw new AppError('FORBIDDEN');
      return renderList(request, reply);
    });

    app.get(
      '/console/rules/:ruleId',
      { schema: { ...pageSchema('One eligibility rule: editor, publication, versions (staff)', { errors: [403, 404] }), params: RuleIdParams, querystring: Type.Object({ lang: Type.Optional(Type.String()), done: Type.Optional(Type.String()) }) } },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        if (!signedInStaff(request)) throw new AppError('FORBIDDEN');
        const done = request.query.done === 'saved' || request.query.done === 'published' ? request.query.done : undefined;
        return renderDetail(request, reply, request.params.ruleId, { done });
      },
    );

    app.post(
      '/console/rules',
      { schema: { ...pageSchema('Save a rule draft from the console editor', { redirects: true, errors: [400, 403, 409] }), body: Type.Object({ _csrf: Type.String(), source: Type.String({ maxLength: 200_000 }) }) } },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        const source = request.body.source.replace(/\r\n/g, '\n');
        try {
          const saved = await eligibility.saveDraft(contextOf(request), source);
          return reply.redirect(`/console/rules/${saved.ruleId}?done=saved`, 303);
        } catch (error) {
          if (!(error instanceof AppError) || !['VALIDATION_FAILED', 'CONFLICT'].includes(error.code)) throw error;
          const problems = error.errors ?? [{ field: '/rule', message: error.detail ?? error.message }];
          const existing = /^id:\s*([a-z0-9-]+)\s*$/m.exec(source)?.[1];
          const known = existing ? (await eligibility.list(contextOf(request))).some((r) => r.ruleId === existing) : false;
          return known ? renderDetail(request, reply, existing!, { source, problems }) : renderList(request, reply, { source, problems });
        }
      },
    );

    app.post(
      '/console/rules/:ruleId/publication',
      { schema: { ...pageSchema('Publish a rule draft', { redirects: true, errors: [400, 403, 404, 409] }), params: RuleIdParams, body: Type.Object({ _csrf: Type.String(), version: Type.Integer({ minimum: 1 }) }) } },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        await eligibility.publish(contextOf(request), request.params.ruleId, request.body.version);
        return reply.redirect(`/console/rules/${request.params.ruleId}?done=published`, 303);
      },
    );
  };
}
