// The datastore's HTTP surface. For officials: POST /api/v1/opendata/datasets/{id}/uploads (the
// file as the raw body: text/csv or application/json, ?encoding=auto|utf-8|cp949) answers the
// preview; POST /api/v1/opendata/uploads/{uploadId}/confirm imports it. For everyone (the
// dataset's visibility decides): CKAN's /api/3/action/datastore_search (GET and POST), the
// resource's metadata, and its CSV and JSON downloads, streamed.
import { attributeUsage } from './usage';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf, requirePrincipal } from '../../core/auth';
import { AppError } from '../../core/errors';
import { problemResponses } from '../../core/schemas';
import type { OpenDataCatalogue } from './catalogue';
import { CkanError } from './ckan';
import { DataStore, type DataResource, type DataStoreContext } from './datastore';
import { setCaching, viewerOf } from './routes';
import { COLUMN_TYPES, ENCODINGS, MAX_UPLOAD_BYTES, type ColumnType, type DeclaredEncoding, type FileFormat } from './upload';

export function contextOf(request: FastifyRequest): DataStoreContext {
  const principal = requirePrincipal(request, ['official']);
  return { principal, actor: actorOf(request), requestId: request.id };
}

/** The format a raw upload's content type names, or the `format` query, or a 415 problem. */
function formatOf(contentType: string | undefined, asked: FileFormat | undefined): FileFormat {
  if (asked) return asked;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === 'application/json') return 'json';
  throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as text/csv or application/json, or name its format with ?format=csv|json.');
}

/** The charset a raw upload's content type declares, when the query does not. */
function encodingOf(contentType: string | undefined, asked: DeclaredEncoding | undefined): DeclaredEncoding {
  if (asked) return asked;
  const charset = /charset=([\w-]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset === 'utf-8' || charset === 'utf8') return 'utf-8';
  if (charset && ['euc-kr', 'cp949', 'ks_c_5601-1987', 'x-windows-949', 'windows-949'].includes(charset)) return 'cp949';
  return 'auto';
}

export function resourceLinks(baseUrl: string, resource: DataResource) {
  return {
    datastoreSearch: `${baseUrl}/api/3/action/datastore_search?resource_id=${resource.id}`,
    csv: `${baseUrl}/datasets/${resource.datasetId}/resources/${resource.id}/download.csv`,
    json: `${baseUrl}/datasets/${resource.datasetId}/resources/${resource.id}/download.json`,
    dataset: `${baseUrl}/datasets/${resource.datasetId}`,
  };
}

const Localised = Type.Object({ ko: Type.String({ minLength: 1, maxLength: 200 }), en: Type.String({ minLength: 1, maxLength: 200 }) });
const ColumnTypeSchema = Type.Union(COLUMN_TYPES.map((t) => Type.Literal(t)));
const PreviewSchema = Type.Object({
  uploadId: Type.String({ format: 'uuid' }),
  datasetId: Type.String(),
  fileName: Type.String(),
  format: Type.String(),
  encoding: Type.String(),
  rowCount: Type.Integer(),
  columns: Type.Array(Type.Object({ name: Type.String(), inferredType: Type.String() })),
  sample: Type.Array(Type.Object({ line: Type.Integer(), values: Type.Array(Type.Union([Type.String(), Type.Null()])) })),
});
const ResourceSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  datasetId: Type.String(),
  title: Localised,
  rowCount: Type.Integer(),
  createdAt: Type.String(),
  fields: Type.Array(Type.Object({ id: Type.String(), type: Type.String() })),
  links: Type.Object({ datastoreSearch: Type.String(), csv: Type.String(), json: Type.String(), dataset: Type.String() }),
});

export function resourceView(baseUrl: string, resource: DataResource) {
  return {
    id: resource.id,
    datasetId: resource.datasetId,
    title: resource.title,
    rowCount: resource.rowCount,
    createdAt: resource.createdAt,
    fields: resource.columns.map((c) => ({ id: c.id, type: c.type })),
    links: resourceLinks(baseUrl, resource),
  };
}

export function datastoreRoutes(store: DataStore, catalogue: OpenDataCatalogue) {
  const baseUrl = catalogue.baseUrl;
  const help = `${baseUrl}/api/3/action/help_show?name=datastore_search`;

  async function datastoreSearch(request: FastifyRequest, reply: FastifyReply, input: Record<string, unknown>) {
    const viewer = await viewerOf(request, catalogue);
    try {
      if (request.validationError) throw new CkanError('Validation Error', { message: 'Each parameter may be given once' });
      const result = await store.search(input, viewer, baseUrl);
      // The request counts in its dataset's usage statistics (and its API key's).
      const datasetId = await store.datasetIdOf(result.resource_id);
      if (datasetId) attributeUsage(request, datasetId);
      setCaching(reply, viewer);
      return reply.send({ help, success: true, result });
    } catch (error) {
      if (!(error instanceof CkanError)) throw error;
      return reply.code(error.status).send({ help, success: false, error: { __type: error.type, ...error.details } });
    }
  }

  return async function routes(fastify: FastifyInstance): Promise<void> {
    // The raw-upload route reads its body as bytes, whatever the content type, in its own scope.
    await fastify.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_request, body, done) => done(null, body));
      const app = scope.withTypeProvider<TypeBoxTypeProvider>();
      app.post(
        '/api/v1/opendata/datasets/:id/uploads',
        {
          bodyLimit: MAX_UPLOAD_BYTES,
          schema: {
            tags: ['opendata'],
            summary:
              'Upload a CSV or JSON file to a dataset of your agency (officials; the raw file as the body, text/csv or application/json, at most 20 MB). The whole file is checked (encoding UTF-8 with or without BOM or EUC-KR/CP949, RFC 4180, headers, field counts); the answer is the preview with the inferred column types and the first rows, or 422 with every problem and its line. Nothing is imported until confirmed. Audited.',
            params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
            querystring: Type.Object({
              encoding: Type.Optional(Type.Union(ENCODINGS.map((e) => Type.Literal(e)), { description: 'auto (default: UTF-8, else CP949), utf-8 or cp949 (EUC-KR)' })),
              format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('json')], { description: 'Overrides the content type' })),
              fileName: Type.Optional(Type.String({ maxLength: 200 })),
            }),
            response: { 201: PreviewSchema, ...problemResponses(400, 401, 403, 404, 413, 415, 422) },
          },
        },
        async (request, reply) => {
          const context = contextOf(request);
          const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          const contentType = request.headers['content-type'];
          const preview = await store.preview(
            context,
            request.params.id,
            { bytes, fileName: request.query.fileName ?? '', format: formatOf(contentType, request.query.format), encoding: encodingOf(contentType, request.query.encoding) },
            request.locale,
          );
          return reply.code(201).header('location', `/api/v1/opendata/uploads/${preview.uploadId}`).send(preview);
        },
      );
    });

    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/api/v1/opendata/uploads/:uploadId',
      {
        schema: {
          tags: ['opendata'],
          summary: 'A pending upload\'s preview (officials of the uploading agency)',
          params: Type.Object({ uploadId: Type.String({ maxLength: 40 }) }),
          response: { 200: PreviewSchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => store.getPreview(contextOf(request), request.params.uploadId),
    );

    app.post(
      '/api/v1/opendata/uploads/:uploadId/confirm',
      {
        schema: {
          tags: ['opendata'],
          summary:
            'Confirm a previewed upload, optionally overriding column types by column name, and import it as a queryable table attached to the dataset (one transaction; any value that does not fit its type rejects the whole file with 422 and its line numbers). Audited.',
          params: Type.Object({ uploadId: Type.String({ maxLength: 40 }) }),
          body: Type.Object(
            {
              types: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), ColumnTypeSchema, { description: 'Column name → integer, number, boolean, date, timestamp or text' })),
              title: Type.Optional(Localised),
            },
            { additionalProperties: false },
          ),
          response: { 201: ResourceSchema, ...problemResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request, reply) => {
        const resource = await store.confirm(contextOf(request), request.params.uploadId, { types: request.body.types as Record<string, ColumnType> | undefined, title: request.body.title }, request.locale);
        return reply.code(201).header('location', `/api/v1/opendata/resources/${resource.id}`).send(resourceView(baseUrl, resource));
      },
    );

    app.get(
      '/api/v1/opendata/resources/:resourceId',
      {
        schema: {
          tags: ['opendata'],
          summary: 'A datastore resource: its dataset, fields and links (404 when its dataset is not visible to you)',
          security: [],
          params: Type.Object({ resourceId: Type.String({ maxLength: 40 }) }),
          response: { 200: ResourceSchema, ...problemResponses(404) },
        },
      },
      async (request, reply) => {
        const viewer = await viewerOf(request, catalogue);
        const resource = await store.find(request.params.resourceId, viewer);
        if (!resource) throw new AppError('DATA_RESOURCE_NOT_FOUND');
        setCaching(reply, viewer);
        return resourceView(baseUrl, resource);
      },
    );

    for (const format of ['csv', 'json'] as const) {
      app.get(
        `/datasets/:id/resources/:resourceId/download.${format}`,
        {
          schema: {
            tags: ['opendata'],
            summary: `A datastore resource as ${format === 'csv' ? 'CSV (RFC 4180, UTF-8, header row)' : 'a JSON array of records (UTF-8)'}, streamed`,
            security: [],
            params: Type.Object({ id: Type.String({ maxLength: 100 }), resourceId: Type.String({ maxLength: 40 }) }),
            response: {
              200: { description: format.toUpperCase(), content: { [format === 'csv' ? 'text/csv' : 'application/json']: { schema: { type: 'string' } } } },
              ...problemResponses(404),
            },
          },
        },
        async (request, reply) => {
          const viewer = await viewerOf(request, catalogue);
          const { resource, chunks } = await store.download(request.params.resourceId, viewer, format);
          if (resource.datasetId !== request.params.id) throw new AppError('DATA_RESOURCE_NOT_FOUND');
          setCaching(reply, viewer);
          reply.header('content-disposition', `attachment; filename="${resource.id}.${format}"`);
          reply.type(format === 'csv' ? 'text/csv; charset=utf-8; header=present' : 'application/json; charset=utf-8');
          // Streamed: the schema's string is the wire format, not what is passed here.
          return reply.send(Readable.from(chunks) as unknown as string);
        },
      );
    }

    const envelope = { description: 'CKAN answer: {help, success, result: {fields, records, total, _links, …}} or {help, success: false, error: {__type, …}} (409 Validation Error, 404 Not Found Error)', type: 'object', additionalProperties: true };
    const Text = Type.Optional(Type.String({ maxLength: 4000 }));
    app.get(
      '/api/3/action/datastore_search',
      {
        attachValidation: true,
        schema: {
          tags: ['opendata'],
          summary:
            'CKAN datastore_search over an uploaded table: resource_id, filters (JSON object; a list means any of), q (text over text columns, or a JSON object per field), fields, sort ("a asc, b desc"), limit (≤ 32000, default 100), offset, include_total, distinct. Unknown field names are a Validation Error (409).',
          security: [],
          querystring: Type.Object({
            resource_id: Text,
            id: Text,
            filters: Text,
            q: Text,
            fields: Text,
            sort: Text,
            limit: Text,
            offset: Text,
            include_total: Text,
            distinct: Text,
            records_format: Text,
            plain: Text,
            language: Text,
            lang: Text,
          }, { additionalProperties: true }),
          response: { 200: envelope, 404: envelope, 409: envelope },
        },
      },
      async (request, reply) => {
        const { lang: _lang, ...input } = request.query as Record<string, unknown>;
        return datastoreSearch(request, reply, input);
      },
    );
    app.post(
      '/api/3/action/datastore_search',
      {
        // A read: cross-site forms cannot send JSON with the session cookie (SameSite=Lax), and API clients have no CSRF token.
        config: { csrf: false },
        attachValidation: true,
        schema: {
          tags: ['opendata'],
          summary: 'CKAN datastore_search with a JSON body (the same parameters; filters and q as objects, fields as a list)',
          security: [],
          body: Type.Object({}, { additionalProperties: true }),
          response: { 200: envelope, 404: envelope, 409: envelope },
        },
      },
      async (request, reply) => datastoreSearch(request, reply, (request.body ?? {}) as Record<string, unknown>),
    );
  };
}
