// The upload console for agencies' officials, Korean and English, without JavaScript:
// /console/opendata/uploads (choose one of the agency's datasets, the encoding and a CSV or JSON
// file: a multipart form), the preview (/console/opendata/uploads/{id}: inferred column types,
// each with a choice to override it, and the first rows), and the confirmation that imports it and
// leads to the dataset page with its new distribution. A rejected file comes back with every
// problem and its line, and nothing imported.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { redirectToSignIn } from '../../core/auth';
import { AppError } from '../../core/errors';
import { defineMessages, t, type Locale } from '../../core/i18n';
import { LocaleQuery, pageSchema } from '../../core/schemas';
import { html, type SafeHtml } from '../../core/web/html';
import { errorSummary } from '../../core/web/forms';
import { renderPage } from '../../core/web/layout';
import type { OpenDataCatalogue } from './catalogue';
import { DataStore, UploadRejected, type UploadPreview } from './datastore';
import { contextOf } from './datastore-routes';
import { boundaryOf, MultipartError, parseMultipart, type UploadedPart } from './multipart';
import { COLUMN_TYPE_LABELS, describeProblem, COLUMN_TYPES, ENCODINGS, MAX_UPLOAD_BYTES, type ColumnType, type DeclaredEncoding } from './upload';

const messages = defineMessages({
  title: { ko: '공공데이터 파일 올리기', en: 'Upload open data' },
  lead: {
    ko: '우리 기관 데이터셋에 CSV 또는 JSON 파일을 올리면, 열 형식을 확인한 뒤 누구나 검색하고 내려받을 수 있는 표로 저장합니다. 잘못된 줄이 하나라도 있으면 아무것도 저장하지 않고 줄 번호를 알려 드립니다.',
    en: 'Upload a CSV or JSON file to one of your agency\'s datasets. After you confirm the column types it is stored as a table anyone can search and download. If any line is wrong, nothing is stored and you are told which lines to fix.',
  },
  officialsOnly: { ko: '데이터 올리기는 기관 공무원만 할 수 있습니다.', en: 'Only agencies\' officials can upload data.' },
  noDatasets: { ko: '우리 기관의 데이터셋이 목록에 없습니다.', en: 'Your agency has no dataset in the catalogue.' },
  dataset: { ko: '데이터셋', en: 'Dataset' },
  file: { ko: '파일(CSV 또는 JSON, 20MB 이하)', en: 'File (CSV or JSON, at most 20 MB)' },
  fileHint: { ko: 'CSV는 첫 줄이 열 제목이어야 합니다. JSON은 객체들의 배열입니다.', en: 'A CSV file starts with a header line. JSON is an array of objects.' },
  encoding: { ko: '문자 인코딩', en: 'Text encoding' },
  encoding_auto: { ko: '자동 감지(UTF-8, 아니면 EUC-KR)', en: 'Detect (UTF-8, otherwise EUC-KR)' },
  'encoding_utf-8': { ko: 'UTF-8', en: 'UTF-8' },
  encoding_cp949: { ko: 'EUC-KR(CP949, 한글 엑셀 기본값)', en: 'EUC-KR (CP949, Korean Excel\'s default)' },
  preview: { ko: '미리 보기', en: 'Preview' },
  fileMissing: { ko: '올릴 파일을 선택하세요', en: 'Choose a file to upload' },
  datasetMissing: { ko: '데이터셋을 선택하세요', en: 'Choose a dataset' },
  formatUnknown: { ko: '파일 이름이 .csv 또는 .json으로 끝나야 합니다', en: 'The file name must end in .csv or .json' },
  rejected: { ko: '파일에 문제가 있어 아무것도 저장하지 않았습니다', en: 'The file has problems; nothing was stored' },
  previewTitle: { ko: '올린 파일 확인', en: 'Check your file' },
  previewLead: {
    ko: '{file}: {rows}행, 인코딩 {encoding}. 열 형식을 확인하고 필요하면 바꾼 뒤 저장하세요.',
    en: '{file}: {rows} rows, encoding {encoding}. Check the column types, change any that are wrong, then import.',
  },
  columnsCaption: { ko: '열과 형식', en: 'Columns and their types' },
  column: { ko: '열', en: 'Column' },
  inferred: { ko: '추정한 형식', en: 'Inferred type' },
  confirmedType: { ko: '저장할 형식', en: 'Type to import as' },
  sampleCaption: { ko: '처음 {n}행', en: 'The first {n} rows' },
  line: { ko: '줄', en: 'Line' },
  resourceTitle: { ko: '리소스 이름', en: 'Resource name' },
  titleKo: { ko: '이름(한국어)', en: 'Name (Korean)' },
  titleEn: { ko: '이름(영어)', en: 'Name (English)' },
  confirm: { ko: '이 형식으로 저장', en: 'Import with these types' },
  cancel: { ko: '다른 파일 올리기', en: 'Upload another file' },
  empty: { ko: '(빈 값)', en: '(empty)' },
  existing: { ko: '우리 기관이 올린 데이터', en: 'Data your agency has uploaded' },
  none: { ko: '아직 올린 데이터가 없습니다.', en: 'Nothing uploaded yet.' },
  rows: { ko: '{n}행', en: '{n} rows' },
});

const FILE_EXTENSION = /\.(csv|json)$/i;

function typeSelect(locale: Locale, index: number, name: string, selected: ColumnType): SafeHtml {
  return html`<label class="visually-hidden" for="type-${index}">${t(locale, messages.confirmedType)}: ${name}</label>
<select id="type-${index}" name="type_${index}">${COLUMN_TYPES.map((type) => html`<option value="${type}"${type === selected ? html` selected` : ''}>${COLUMN_TYPE_LABELS[type][locale]}</option>`)}</select>`;
}

export function uploadPages(store: DataStore, catalogue: OpenDataCatalogue) {
  function ownDatasets(request: FastifyRequest) {
    const principal = request.principal!;
    return catalogue.entries({ role: principal.role, agencyCode: principal.agencyCode }).filter((entry) => entry.publisher.code === principal.agencyCode);
  }

  function renderForm(request: FastifyRequest, reply: FastifyReply, input: { datasetId: string; encoding: DeclaredEncoding }, problems: Array<{ target: string; message: string }>, status = 200) {
    const locale = request.locale;
    const datasets = ownDatasets(request);
    const title = t(locale, messages.title);
    const uploaded = datasets.flatMap((d) => store.resourcesOf(d.id).map((r) => ({ dataset: d, resource: r })));
    return renderPage(request, reply, {
      status,
      title: problems.length ? `${t(locale, messages.rejected)}: ${title}` : title,
      body: html`<h1>${title}</h1>
<p class="lead">${t(locale, messages.lead)}</p>
${errorSummary(locale, problems, { title: messages.rejected })}
${
  datasets.length === 0
    ? html`<p class="notice">${t(locale, messages.noDatasets)}</p>`
    : html`<form method="post" action="/console/opendata/uploads?lang=${locale}" enctype="multipart/form-data" class="form" id="upload-form">
<input type="hidden" name="_csrf" value="${request.csrfToken}">
<div class="field"><label for="dataset">${t(locale, messages.dataset)}</label>
<select id="dataset" name="dataset">${datasets.map((d) => html`<option value="${d.id}"${d.id === input.datasetId ? html` selected` : ''}>${d.title[locale]}</option>`)}</select></div>
<fieldset class="field"><legend>${t(locale, messages.encoding)}</legend>
${ENCODINGS.map((e) => html`<div><input type="radio" id="encoding-${e}" name="encoding" value="${e}"${e === input.encoding ? html` checked` : ''}><label for="encoding-${e}">${t(locale, messages[`encoding_${e}`])}</label></div>`)}
</fieldset>
<div class="field"><label for="file">${t(locale, messages.file)}</label>
<p class="hint" id="file-hint">${t(locale, messages.fileHint)}</p>
<input type="file" id="file" name="file" accept=".csv,.json,text/csv,application/json" aria-describedby="file-hint"></div>
<button type="submit" class="button">${t(locale, messages.preview)}</button>
</form>`
}
<h2 id="existing-heading">${t(locale, messages.existing)}</h2>
${
  uploaded.length === 0
    ? html`<p>${t(locale, messages.none)}</p>`
    : html`<ul id="uploaded">${uploaded.map(({ dataset, resource }) => html`<li><a href="/datasets/${dataset.id}?lang=${locale}">${dataset.title[locale]}</a>: ${resource.title[locale]} (${t(locale, messages.rows, { n: resource.rowCount })})</li>`)}</ul>`
}`,
    });
  }

  function renderPreview(request: FastifyRequest, reply: FastifyReply, preview: UploadPreview, problems: Array<{ target: string; message: string }>, chosen?: ColumnType[], status = 200) {
    const locale = request.locale;
    const title = t(locale, messages.previewTitle);
    const base = preview.fileName.replace(FILE_EXTENSION, '');
    return renderPage(request, reply, {
      status,
      title: problems.length ? `${t(locale, messages.rejected)}: ${title}` : title,
      body: html`<h1>${title}</h1>
${errorSummary(locale, problems, { title: messages.rejected })}
<p class="lead">${t(locale, messages.previewLead, { file: preview.fileName, rows: preview.rowCount, encoding: preview.encoding.toUpperCase() })}</p>
<form method="post" action="/console/opendata/uploads/${preview.uploadId}/confirm?lang=${locale}" class="form" id="confirm-form">
<input type="hidden" name="_csrf" value="${request.csrfToken}">
<table id="columns"><caption>${t(locale, messages.columnsCaption)}</caption>
<thead><tr><th scope="col">${t(locale, messages.column)}</th><th scope="col">${t(locale, messages.inferred)}</th><th scope="col">${t(locale, messages.confirmedType)}</th></tr></thead>
<tbody>${preview.columns.map(
        (c, i) => html`<tr><th scope="row">${c.name}</th><td>${COLUMN_TYPE_LABELS[c.inferredType][locale]}</td><td>${typeSelect(locale, i, c.name, chosen?.[i] ?? c.inferredType)}</td></tr>`,
      )}</tbody></table>
<fieldset class="field"><legend>${t(locale, messages.resourceTitle)}</legend>
<div><label for="title_ko">${t(locale, messages.titleKo)}</label><input id="title_ko" name="title_ko" maxlength="200" value="${base}"></div>
<div><label for="title_en">${t(locale, messages.titleEn)}</label><input id="title_en" name="title_en" maxlength="200" value="${base}"></div>
</fieldset>
<button type="submit" class="button">${t(locale, messages.confirm)}</button>
<a href="/console/opendata/uploads?lang=${locale}">${t(locale, messages.cancel)}</a>
</form>
<table id="sample"><caption>${t(locale, messages.sampleCaption, { n: preview.sample.length })}</caption>
<thead><tr><th scope="col">${t(locale, messages.line)}</th>${preview.columns.map((c) => html`<th scope="col">${c.name}</th>`)}</tr></thead>
<tbody>${preview.sample.map((row) => html`<tr><th scope="row">${row.line}</th>${row.values.map((v) => html`<td>${v ?? t(locale, messages.empty)}</td>`)}</tr>`)}</tbody></table>`,
    });
  }

  /** Each problem in words, linked to the field to fix: the file, or the type of the column it names. */
  const problemList = (locale: Locale, error: UploadRejected, preview?: UploadPreview) =>
    error.problems.map((p) => {
      const column = preview && p.column ? preview.columns.findIndex((c) => c.name === p.column) : -1;
      return { target: column >= 0 ? `type-${column}` : 'file', message: describeProblem(locale, p, error.format) };
    });

  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/console/opendata/uploads',
      {
        schema: {
          ...pageSchema('Open data upload console (officials): choose a dataset of your agency, the encoding and a CSV or JSON file'),
          querystring: Type.Object({ lang: LocaleQuery.properties.lang, dataset: Type.Optional(Type.String({ maxLength: 100, description: 'The dataset to preselect' })) }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        contextOf(request);
        return renderForm(request, reply, { datasetId: request.query.dataset ?? '', encoding: 'auto' }, []);
      },
    );

    // The file form: multipart/form-data read in this scope only.
    await fastify.register(async (scope) => {
      scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES + 64 * 1024 }, (request, body, done) => {
        try {
          done(null, parseMultipart(body as Buffer, boundaryOf(request.headers['content-type'])));
        } catch (error) {
          done(error instanceof MultipartError ? new AppError('MALFORMED_BODY', error.message) : (error as Error), undefined);
        }
      });
      scope.post(
        '/console/opendata/uploads',
        {
          bodyLimit: MAX_UPLOAD_BYTES + 64 * 1024,
          schema: { ...pageSchema('Upload console: read the chosen file and show its preview (a 303 to it), or the form again with every problem and its line (422)', { redirects: true, errors: [400, 403, 422] }), querystring: LocaleQuery },
        },
        async (request, reply) => {
          if (!request.principal) return redirectToSignIn(request, reply);
          const context = contextOf(request);
          const locale = request.locale;
          const body = (request.body ?? {}) as Record<string, string | UploadedPart>;
          const datasetId = typeof body.dataset === 'string' ? body.dataset : '';
          const encoding = (ENCODINGS as readonly string[]).includes(body.encoding as string) ? (body.encoding as DeclaredEncoding) : 'auto';
          const file = typeof body.file === 'object' ? body.file : undefined;
          const problems: Array<{ target: string; message: string }> = [];
          if (!ownDatasets(request).some((d) => d.id === datasetId)) problems.push({ target: 'dataset', message: t(locale, messages.datasetMissing) });
          if (!file || (file.fileName === '' && file.bytes.length === 0)) problems.push({ target: 'file', message: t(locale, messages.fileMissing) });
          else if (!FILE_EXTENSION.test(file.fileName)) problems.push({ target: 'file', message: t(locale, messages.formatUnknown) });
          if (problems.length) return renderForm(request, reply, { datasetId, encoding }, problems, 400);
          try {
            const format = FILE_EXTENSION.exec(file!.fileName)![1]!.toLowerCase() as 'csv' | 'json';
            const preview = await store.preview(context, datasetId, { bytes: file!.bytes, fileName: file!.fileName, format, encoding }, locale);
            return reply.redirect(`/console/opendata/uploads/${preview.uploadId}?lang=${locale}`, 303);
          } catch (error) {
            if (!(error instanceof UploadRejected)) throw error;
            return renderForm(request, reply, { datasetId, encoding }, problemList(locale, error), 422);
          }
        },
      );
    });

    app.get(
      '/console/opendata/uploads/:uploadId',
      { schema: { ...pageSchema('Upload console: a pending upload\'s preview with its inferred types, to confirm or override', { errors: [403, 404] }), params: Type.Object({ uploadId: Type.String({ maxLength: 40 }) }), querystring: LocaleQuery } },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        return renderPreview(request, reply, await store.getPreview(contextOf(request), request.params.uploadId), []);
      },
    );

    app.post(
      '/console/opendata/uploads/:uploadId/confirm',
      {
        schema: {
          ...pageSchema('Upload console: import the previewed file with the chosen types (a 303 to the dataset page), or the preview again with every problem and its line (422)', { redirects: true, errors: [400, 403, 404, 422] }),
          params: Type.Object({ uploadId: Type.String({ maxLength: 40 }) }),
          querystring: LocaleQuery,
          body: Type.Object({ _csrf: Type.String({ maxLength: 100 }) }, { additionalProperties: Type.String({ maxLength: 200 }) }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        const context = contextOf(request);
        const locale = request.locale;
        const preview = await store.getPreview(context, request.params.uploadId);
        const body = request.body as Record<string, string>;
        const chosen = preview.columns.map((c, i) => ((COLUMN_TYPES as readonly string[]).includes(body[`type_${i}`] ?? '') ? (body[`type_${i}`] as ColumnType) : c.inferredType));
        const titleKo = body.title_ko?.trim() || preview.fileName;
        const titleEn = body.title_en?.trim() || preview.fileName;
        try {
          const resource = await store.confirm(context, preview.uploadId, { types: Object.fromEntries(preview.columns.map((c, i) => [c.name, chosen[i]!])), title: { ko: titleKo, en: titleEn } }, locale);
          return reply.redirect(`/datasets/${resource.datasetId}?lang=${locale}`, 303);
        } catch (error) {
          if (!(error instanceof UploadRejected)) throw error;
          return renderPreview(request, reply, preview, problemList(locale, error, preview), chosen, 422);
        }
      },
    );
  };
}
