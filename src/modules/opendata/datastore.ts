// The open-data datastore (issue 6, "Data and open APIs"; Postgres schema `datastore`): an agency's
// official uploads a CSV or JSON file to one of the agency's datasets, sees the inferred column
// types and the first rows (preview), confirms (optionally overriding types), and the file becomes
// a real typed table, datastore.r_<hex> with generated column names c1…cN, in one transaction:
// any bad value rejects the whole file with line numbers and leaves no table behind. The table is
// attached to its dataset as distributions (CSV and JSON download, datastore API), searched through
// CKAN's datastore_search semantics with parameterised SQL only, and streamed as CSV or JSON.
// Who may see a resource is the catalogue's decision for its dataset (catalogue.find).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { AuditActor, AuditLog } from '../../core/audit';
import type { Principal } from '../../core/auth';
import { withTransaction, type Pool, type Queryable } from '../../core/db';
import { AppError } from '../../core/errors';
import type { Locale } from '../../core/i18n';
import type { OpenDataCatalogue, Viewer } from './catalogue';
import { CkanError } from './ckan';
import type { Localised } from './model';
import {
  COLUMN_TYPES,
  FileRejected,
  convertRows,
  convertValue,
  describeProblem,
  inferTypes,
  readTable,
  type ColumnType,
  type DeclaredEncoding,
  type DetectedEncoding,
  type FileFormat,
  type FileProblem,
  type ParsedTable,
} from './upload';

/** CKAN's default and its usual ceiling (ckan.datastore.search.rows_max) for `limit`. */
export const DEFAULT_SEARCH_LIMIT = 100;
export const MAX_SEARCH_LIMIT = 32_000;
export const PREVIEW_ROWS = 10;
/** Text columns whose values are all at most this long get a btree index. */
const INDEXABLE_TEXT_LENGTH = 200;
const MAX_INDEXES = 16;

const PG_TYPES: Record<ColumnType, string> = { integer: 'bigint', number: 'numeric', boolean: 'boolean', date: 'date', timestamp: 'timestamp', text: 'text' };
/** The type names CKAN's datastore reports in `fields`. */
export const CKAN_TYPES: Record<ColumnType, string> = { integer: 'int8', number: 'numeric', boolean: 'bool', date: 'date', timestamp: 'timestamp', text: 'text' };

export interface ResourceColumn {
  /** The header as uploaded: the field name clients use. */
  id: string;
  /** The generated SQL column, c1…cN. */
  column: string;
  type: ColumnType;
}

export interface DataResource {
  id: string;
  datasetId: string;
  title: Localised;
  tableName: string;
  columns: ResourceColumn[];
  rowCount: number;
  createdAt: string;
}

export interface UploadPreview {
  uploadId: string;
  datasetId: string;
  fileName: string;
  format: FileFormat;
  encoding: DetectedEncoding;
  rowCount: number;
  columns: Array<{ name: string; inferredType: ColumnType }>;
  /** The first rows as uploaded, with the line (CSV) or record (JSON) each starts on. */
  sample: Array<{ line: number; values: Array<string | null> }>;
}

/** Who acts, for permission checks and the audit entry. */
export interface DataStoreContext {
  principal: Principal;
  actor: AuditActor;
  requestId: string;
}

export interface UploadFile {
  bytes: Buffer;
  fileName: string;
  format: FileFormat;
  encoding: DeclaredEncoding;
}

/** A file rejected whole: every problem, already in words for the caller's locale. */
export class UploadRejected extends AppError {
  constructor(
    readonly problems: FileProblem[],
    readonly format: FileFormat,
    locale: Locale,
  ) {
    super(
      'UPLOAD_REJECTED',
      `${problems.length} problem(s); the first: ${describeProblem('en', problems[0]!, format)}`,
      problems.map((p) => ({ field: p.line === null ? '/body' : `/body/${format === 'json' ? 'records' : 'lines'}/${p.line}${p.column ? `/${escapePointer(p.column)}` : ''}`, message: describeProblem(locale, p, format) })),
    );
  }
}

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The parameters of CKAN's datastore_search, as given (query string or JSON body). */
export type DatastoreSearchInput = Record<string, unknown>;

export interface DatastoreSearchQuery {
  resourceId: string;
  filters: Array<{ field: string; values: Array<string | number | boolean | null> }>;
  q: string | Record<string, string> | null;
  fields: string[] | null;
  sort: Array<{ field: string; descending: boolean }>;
  limit: number;
  offset: number;
  includeTotal: boolean;
  distinct: boolean;
}

/** SQL for one search, ready for any pg client: the bench sends exactly this, directly. */
export interface SearchStatement {
  select: { text: string; values: unknown[] };
  count: { text: string; values: unknown[] } | null;
  fields: ResourceColumn[];
}

export interface DatastoreSearchResult {
  include_total: boolean;
  resource_id: string;
  fields: Array<{ id: string; type: string }>;
  records_format: 'objects';
  records: Array<Record<string, unknown>>;
  limit: number;
  offset?: number;
  filters?: Record<string, unknown>;
  q?: unknown;
  sort?: string;
  distinct?: boolean;
  total?: number;
  total_was_estimated?: boolean;
  _links: { start: string; next: string };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PURPOSE = 'open-data-publication';

interface ResourceRow {
  id: string;
  dataset_id: string;
  title_ko: string;
  title_en: string;
  table_name: string;
  columns: ResourceColumn[];
  row_count: number;
  created_at: Date;
}

function toResource(row: ResourceRow): DataResource {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    title: { ko: row.title_ko, en: row.title_en },
    tableName: row.table_name,
    columns: row.columns,
    rowCount: row.row_count,
    createdAt: row.created_at.toISOString(),
  };
}

const validation = (field: string, message: string) => new CkanError('Validation Error', { [field]: [message] });

export class DataStore {
  private readonly resources = new Map<string, DataResource>();

  private constructor(
    private readonly pool: Pool,
    private readonly audit: AuditLog,
    private readonly catalogue: OpenDataCatalogue,
  ) {}

  static async open(pool: Pool, audit: AuditLog, catalogue: OpenDataCatalogue): Promise<DataStore> {
    const store = new DataStore(pool, audit, catalogue);
    const { rows } = await pool.query<ResourceRow>('SELECT * FROM datastore.resources ORDER BY created_at');
    for (const row of rows) store.resources.set(row.id, toResource(row));
    return store;
  }

  /** The dataset a resource belongs to (null when there is no such resource), whoever asks. */
  async datasetIdOf(resourceId: string): Promise<string | null> {
    return (await this.lookup(resourceId))?.datasetId ?? null;
  }

  /** The resource when it exists and the viewer may see its dataset. */
  async find(resourceId: string, viewer: Viewer): Promise<DataResource | undefined> {
    const resource = await this.lookup(resourceId);
    return resource && this.catalogue.find(resource.datasetId, viewer) ? resource : undefined;
  }

  /** The dataset's resources, oldest first (visibility is the dataset's: check it first). */
  resourcesOf(datasetId: string): DataResource[] {
    return [...this.resources.values()].filter((r) => r.datasetId === datasetId);
  }

  private async lookup(resourceId: string): Promise<DataResource | undefined> {
    const cached = this.resources.get(resourceId);
    if (cached || !UUID.test(resourceId)) return cached;
    const { rows } = await this.pool.query<ResourceRow>('SELECT * FROM datastore.resources WHERE id = $1', [resourceId]);
    if (!rows[0]) return undefined;
    const resource = toResource(rows[0]);
    this.resources.set(resource.id, resource);
    return resource;
  }

  /** Only an official of the publishing agency uploads to a dataset. */
  private assertPublisher(context: DataStoreContext, datasetId: string): void {
    const dataset = this.catalogue.get(datasetId, { role: context.principal.role, agencyCode: context.principal.agencyCode });
    if (context.principal.role !== 'official' || context.principal.agencyCode !== dataset.publisher.code) {
      throw new AppError('FORBIDDEN', `Only officials of ${dataset.publisher.code} upload data to this dataset.`);
    }
  }

  /**
   * Step 1: reads and checks the whole file and keeps it for confirmation. A malformed file is
   * rejected (UploadRejected, every problem with its line) and nothing is kept; audited either way.
   */
  async preview(context: DataStoreContext, datasetId: string, file: UploadFile, locale: Locale = 'en'): Promise<UploadPreview> {
    this.assertPublisher(context, datasetId);
    const fileName = file.fileName.slice(0, 200) || `upload.${file.format}`;
    let table: ParsedTable;
    try {
      table = readTable(file.bytes, file.format, file.encoding);
    } catch (error) {
      if (!(error instanceof FileRejected)) throw error;
      await this.audit.append(this.pool, {
        actor: context.actor,
        action: 'opendata.upload.preview',
        purpose: PURPOSE,
        resource: `opendata/datasets/${datasetId}/uploads`,
        outcome: 'denied',
        requestId: context.requestId,
        details: { fileName, bytes: file.bytes.length, problems: error.problems.length, first: describeProblem('en', error.problems[0]!, file.format) },
      });
      throw new UploadRejected(error.problems, file.format, locale);
    }
    const types = inferTypes(table);
    const uploadId = randomUUID();
    const columns = table.headers.map((name, i) => ({ name, type: types[i]! }));
    await withTransaction(this.pool, async (tx) => {
      await tx.query(
        `INSERT INTO datastore.uploads (id, dataset_id, agency, uploaded_by, file_name, format, encoding, content, columns, row_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [uploadId, datasetId, context.principal.agencyCode, context.principal.accountId, fileName, file.format, table.encoding, table.text, JSON.stringify(columns), table.rows.length],
      );
      await this.audit.append(tx, {
        actor: context.actor,
        action: 'opendata.upload.preview',
        purpose: PURPOSE,
        resource: `opendata/datasets/${datasetId}/uploads/${uploadId}`,
        outcome: 'allowed',
        requestId: context.requestId,
        details: { fileName, bytes: file.bytes.length, rows: table.rows.length, encoding: table.encoding, columns },
      });
    });
    return previewOf(uploadId, datasetId, fileName, table, types);
  }

  /** A pending upload's preview again (its uploader's agency only). */
  async getPreview(context: DataStoreContext, uploadId: string): Promise<UploadPreview> {
    const upload = await this.pendingUpload(this.pool, context, uploadId);
    const table = readTable(Buffer.from(upload.content, 'utf8'), upload.format, 'utf-8');
    return previewOf(upload.id, upload.dataset_id, upload.file_name, { ...table, encoding: upload.encoding }, upload.columns.map((c) => c.type));
  }

  private async pendingUpload(db: Queryable, context: DataStoreContext, uploadId: string, lock = false) {
    if (!UUID.test(uploadId)) throw new AppError('UPLOAD_NOT_FOUND');
    const { rows } = await db.query<{ id: string; dataset_id: string; agency: string; file_name: string; format: FileFormat; encoding: DetectedEncoding; content: string; columns: Array<{ name: string; type: ColumnType }> }>(
      `SELECT id, dataset_id, agency, file_name, format, encoding, content, columns FROM datastore.uploads WHERE id = $1 AND status = 'pending'${lock ? ' FOR UPDATE' : ''}`,
      [uploadId],
    );
    const upload = rows[0];
    // Another agency's upload does not exist for this official.
    if (!upload || upload.agency !== context.principal.agencyCode) throw new AppError('UPLOAD_NOT_FOUND');
    this.assertPublisher(context, upload.dataset_id);
    return upload;
  }

  /**
   * Step 2: imports the previewed file with the confirmed types (inferred, or overridden by column
   * name) as a new resource of the dataset, in one transaction. Any value that does not fit its
   * type rejects the whole file (UploadRejected with line and column); no table is created.
   */
  async confirm(
    context: DataStoreContext,
    uploadId: string,
    options: { types?: Record<string, ColumnType>; title?: Localised } = {},
    locale: Locale = 'en',
  ): Promise<DataResource> {
    const preview = await this.pendingUpload(this.pool, context, uploadId);
    const names = preview.columns.map((c) => c.name);
    for (const [name, type] of Object.entries(options.types ?? {})) {
      if (!names.includes(name)) throw new AppError('VALIDATION_FAILED', `There is no column "${name}" in the file.`, [{ field: `/body/types/${escapePointer(name)}`, message: 'no such column' }]);
      if (!COLUMN_TYPES.includes(type)) throw new AppError('VALIDATION_FAILED', `Unknown type "${type}".`, [{ field: `/body/types/${escapePointer(name)}`, message: `use ${COLUMN_TYPES.join(', ')}` }]);
    }
    const types = preview.columns.map((c) => options.types?.[c.name] ?? c.type);
    const table = readTable(Buffer.from(preview.content, 'utf8'), preview.format, 'utf-8');
    let rows: Array<Array<string | null>>;
    try {
      rows = convertRows(table, types);
    } catch (error) {
      if (!(error instanceof FileRejected)) throw error;
      await this.audit.append(this.pool, {
        actor: context.actor,
        action: 'opendata.upload.import',
        purpose: PURPOSE,
        resource: `opendata/datasets/${preview.dataset_id}/uploads/${uploadId}`,
        outcome: 'denied',
        requestId: context.requestId,
        details: { types, problems: error.problems.length, first: describeProblem('en', error.problems[0]!, preview.format) },
      });
      throw new UploadRejected(error.problems, preview.format, locale);
    }
    const title = options.title ?? { ko: preview.file_name, en: preview.file_name };
    return this.createResource(context, preview.dataset_id, { title, columns: names.map((name, i) => ({ name, type: types[i]! })), rows }, uploadId);
  }

  /**
   * Creates a resource from rows already converted to COPY text for their types (convertValue), in
   * one transaction: table, COPY, indexes, ANALYZE, catalogue row, audit entry. The upload flow
   * ends here; the benchmark loads its synthetic table through it too.
   */
  async createResource(
    context: DataStoreContext,
    datasetId: string,
    spec: { title: Localised; columns: Array<{ name: string; type: ColumnType }>; rows: Iterable<Array<string | null>> },
    uploadId: string | null = null,
  ): Promise<DataResource> {
    this.assertPublisher(context, datasetId);
    const id = randomUUID();
    const tableName = `r_${id.replaceAll('-', '')}`;
    const columns: ResourceColumn[] = spec.columns.map((c, i) => ({ id: c.name, column: `c${i + 1}`, type: c.type }));
    const qualified = `datastore.${tableName}`;
    let rowCount = 0;
    const resource = await withTransaction(this.pool, async (tx) => {
      if (uploadId) await this.pendingUpload(tx, context, uploadId, true);
      await tx.query(`CREATE TABLE ${qualified} (_id bigint PRIMARY KEY, ${columns.map((c) => `${c.column} ${PG_TYPES[c.type]}`).join(', ')})`);
      const longest = columns.map(() => 0);
      try {
        rowCount = await copyRows(tx, `COPY ${qualified} (_id, ${columns.map((c) => c.column).join(', ')}) FROM STDIN`, spec.rows, longest);
      } catch (error) {
        // Postgres refusing a value (e.g. a date beyond its range) is the file's fault, not ours.
        if ((error as { code?: string }).code?.startsWith('22')) {
          throw new AppError('UPLOAD_REJECTED', `A value was refused by the database: ${(error as Error).message}`, [{ field: '/body', message: (error as Error).message }]);
        }
        throw error;
      }
      const indexed = columns.filter((c, i) => c.type !== 'text' || longest[i]! <= INDEXABLE_TEXT_LENGTH).slice(0, MAX_INDEXES);
      for (const column of indexed) await tx.query(`CREATE INDEX ON ${qualified} (${column.column})`);
      await tx.query(`ANALYZE ${qualified}`);
      const { rows } = await tx.query<ResourceRow>(
        `INSERT INTO datastore.resources (id, dataset_id, title_ko, title_en, table_name, columns, row_count, upload_id, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
        [id, datasetId, spec.title.ko, spec.title.en, tableName, JSON.stringify(columns), rowCount, uploadId, context.principal.accountId],
      );
      if (uploadId) await tx.query(`UPDATE datastore.uploads SET status = 'imported', resource_id = $2, content = '' WHERE id = $1`, [uploadId, id]);
      await this.audit.append(tx, {
        actor: context.actor,
        action: 'opendata.upload.import',
        purpose: PURPOSE,
        resource: `opendata/datasets/${datasetId}/resources/${id}`,
        outcome: 'allowed',
        requestId: context.requestId,
        details: { uploadId, rows: rowCount, columns: columns.map((c) => ({ name: c.id, type: c.type })) },
      });
      return toResource(rows[0]!);
    });
    this.resources.set(resource.id, resource);
    await this.catalogue.reload();
    return resource;
  }

  // ---- datastore_search ------------------------------------------------------------------------

  /** CKAN datastore_search over a resource the viewer may see; CkanError for bad input (never SQL errors). */
  async search(input: DatastoreSearchInput, viewer: Viewer, baseUrl = ''): Promise<DatastoreSearchResult> {
    const query = parseDatastoreSearch(input);
    const resource = await this.find(query.resourceId, viewer);
    if (!resource) throw new CkanError('Not Found Error', { message: `Not found: Resource "${query.resourceId}" was not found.` });
    const statement = buildSearch(resource, query);
    const [records, count] = await Promise.all([
      this.pool.query(statement.select),
      statement.count ? this.pool.query<{ total: number }>(statement.count) : Promise.resolve(null),
    ]);
    const path = `${baseUrl}/api/3/action/datastore_search`;
    const startParams = new URLSearchParams({ resource_id: resource.id });
    if (query.limit !== DEFAULT_SEARCH_LIMIT) startParams.set('limit', String(query.limit));
    const nextParams = new URLSearchParams(startParams);
    nextParams.set('offset', String(query.offset + query.limit));
    const result: DatastoreSearchResult = {
      include_total: query.includeTotal,
      resource_id: resource.id,
      fields: statement.fields.map((f) => ({ id: f.id, type: f.column === '_id' ? 'int' : CKAN_TYPES[f.type] })),
      records_format: 'objects',
      records: records.rows.map((row) => recordOf(row as Record<string, unknown>, statement.fields)),
      limit: query.limit,
      _links: { start: `${path}?${startParams}`, next: `${path}?${nextParams}` },
    };
    if (query.offset) result.offset = query.offset;
    if (query.filters.length) result.filters = Object.fromEntries(query.filters.map((f) => [f.field, f.values.length === 1 ? f.values[0] : f.values]));
    if (query.q !== null) result.q = query.q;
    if (query.sort.length) result.sort = query.sort.map((s) => `${s.field} ${s.descending ? 'desc' : 'asc'}`).join(', ');
    if (query.distinct) result.distinct = true;
    if (count) {
      result.total = count.rows[0]!.total;
      result.total_was_estimated = false;
    }
    return result;
  }

  /** The rows of a resource the viewer may see, as CSV (RFC 4180, header first) or a JSON array, in chunks read through a cursor. */
  async download(resourceId: string, viewer: Viewer, format: 'csv' | 'json'): Promise<{ resource: DataResource; chunks: AsyncIterable<string> }> {
    const resource = await this.find(resourceId, viewer);
    if (!resource) throw new AppError('DATA_RESOURCE_NOT_FOUND', `There is no resource "${resourceId}".`);
    return { resource, chunks: streamRows(this.pool, resource, format) };
  }
}

function previewOf(uploadId: string, datasetId: string, fileName: string, table: ParsedTable, types: ColumnType[]): UploadPreview {
  return {
    uploadId,
    datasetId,
    fileName,
    format: table.format,
    encoding: table.encoding,
    rowCount: table.rows.length,
    columns: table.headers.map((name, i) => ({ name, inferredType: types[i]! })),
    sample: table.rows.slice(0, PREVIEW_ROWS).map((row) => ({ line: row.line, values: row.values })),
  };
}

function copyEscape(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

async function copyRows(client: pg.PoolClient, sql: string, rows: Iterable<Array<string | null>>, longest: number[]): Promise<number> {
  const stream = client.query(copyFrom(sql));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('error', reject);
    stream.on('finish', () => resolve());
  });
  let count = 0;
  let buffer = '';
  let failed: unknown = null;
  stream.on('error', (error) => (failed = error));
  for (const row of rows) {
    count++;
    let line = String(count);
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      if (value === null || value === undefined) line += '\t\\N';
      else {
        if (value.length > longest[i]!) longest[i] = value.length;
        line += `\t${copyEscape(value)}`;
      }
    }
    buffer += `${line}\n`;
    if (buffer.length > 1 << 16) {
      if (failed) break;
      if (!stream.write(buffer, 'utf8')) await new Promise<void>((resolve) => stream.once('drain', resolve));
      buffer = '';
    }
  }
  stream.end(buffer, 'utf8');
  await done;
  return count;
}

// ---- search parameters and SQL -----------------------------------------------------------------

function jsonParam(name: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw validation(name, 'Cannot parse JSON');
  }
}

function booleanParam(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && ['true', 'false'].includes(value.toLowerCase())) return value.toLowerCase() === 'true';
  throw validation(name, 'Must be a boolean value');
}

function integerParam(name: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,9}$/.test(text)) throw validation(name, 'Must be a natural number');
  const n = Number(text);
  if (n > max) throw validation(name, `Must be less than or equal to ${max}`);
  return n;
}

function textParam(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validation(name, 'Must be a string');
  return value;
}

/** Splits "a asc, b desc" or a JSON list; a name may be double-quoted ("my field" desc). */
function parseSortParam(value: unknown): Array<{ field: string; descending: boolean }> {
  if (value === undefined || value === null || value === '') return [];
  const parts = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : null;
  if (!parts || parts.some((p) => typeof p !== 'string')) throw validation('sort', 'Must be a string such as "field asc, other desc"');
  return (parts as string[]).map((part) => {
    const match = /^\s*(?:"([^"]+)"|([^\s"]+))(?:\s+(asc|desc))?\s*$/i.exec(part);
    if (!match) throw validation('sort', `Cannot sort by "${part.trim()}"`);
    return { field: match[1] ?? match[2]!, descending: match[3]?.toLowerCase() === 'desc' };
  });
}

const KNOWN_PARAMS = new Set(['resource_id', 'id', 'filters', 'q', 'fields', 'sort', 'limit', 'offset', 'include_total', 'distinct', 'records_format', 'plain', 'language', 'lang', 'full_text', 'total_estimation_threshold']);

/** CKAN's datastore_search parameters from a query string or JSON body; a CkanError naming the parameter otherwise. */
export function parseDatastoreSearch(input: DatastoreSearchInput): DatastoreSearchQuery {
  for (const key of Object.keys(input)) if (!KNOWN_PARAMS.has(key)) throw validation(key, 'The input field is not expected');
  const resourceId = textParam('resource_id', input.resource_id ?? input.id)?.trim();
  if (!resourceId) throw validation('resource_id', 'Missing value');

  const filtersRaw = jsonParam('filters', input.filters);
  const filters: DatastoreSearchQuery['filters'] = [];
  if (filtersRaw !== undefined && filtersRaw !== null && filtersRaw !== '') {
    if (typeof filtersRaw !== 'object' || Array.isArray(filtersRaw)) throw validation('filters', 'Must be a JSON object');
    for (const [field, value] of Object.entries(filtersRaw as Record<string, unknown>)) {
      const values = Array.isArray(value) ? value : [value];
      if (values.length === 0 || values.length > 1000 || values.some((v) => v !== null && !['string', 'number', 'boolean'].includes(typeof v))) {
        throw validation('filters', `The filter on "${field}" must be a value or a list of values`);
      }
      filters.push({ field, values: values as Array<string | number | boolean | null> });
    }
  }

  let q: DatastoreSearchQuery['q'] = null;
  if (input.q !== undefined && input.q !== null && input.q !== '') {
    let raw: unknown = input.q;
    if (typeof raw === 'string' && raw.trim().startsWith('{')) raw = jsonParam('q', raw);
    if (typeof raw === 'string') q = raw;
    else if (raw && typeof raw === 'object' && !Array.isArray(raw) && Object.values(raw as object).every((v) => typeof v === 'string')) q = raw as Record<string, string>;
    else throw validation('q', 'Must be a string or a JSON object of field names and strings');
  }

  let fields: string[] | null = null;
  if (input.fields !== undefined && input.fields !== null && input.fields !== '') {
    const raw = typeof input.fields === 'string' && input.fields.trim().startsWith('[') ? jsonParam('fields', input.fields) : input.fields;
    const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : null;
    if (!list || list.some((f) => typeof f !== 'string')) throw validation('fields', 'Must be a list of field names');
    fields = (list as string[]).map((f) => f.trim()).filter((f) => f !== '');
  }

  const recordsFormat = textParam('records_format', input.records_format);
  if (recordsFormat !== undefined && recordsFormat !== 'objects') throw validation('records_format', 'Only "objects" is supported');

  return {
    resourceId,
    filters,
    q,
    fields,
    sort: parseSortParam(input.sort),
    limit: integerParam('limit', input.limit, DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT),
    offset: integerParam('offset', input.offset, 0, 100_000_000),
    includeTotal: booleanParam('include_total', input.include_total, true),
    distinct: booleanParam('distinct', input.distinct, false),
  };
}

const ID_COLUMN: ResourceColumn = { id: '_id', column: '_id', type: 'integer' };

function columnNamed(resource: DataResource, name: string, parameter: string): ResourceColumn {
  if (name === '_id') return ID_COLUMN;
  const column = resource.columns.find((c) => c.id === name);
  if (!column) throw validation(parameter, `field "${name.slice(0, 100)}" not in table`);
  return column;
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The parameterised SQL of a search: every name is checked against the resource's columns and
 * replaced by its generated column; every value is a bind parameter typed to its column.
 */
export function buildSearch(resource: DataResource, query: DatastoreSearchQuery): SearchStatement {
  const values: unknown[] = [];
  const bind = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const all = [ID_COLUMN, ...resource.columns];
  const fields = query.fields ? query.fields.map((name) => columnNamed(resource, name, 'fields')) : query.distinct ? resource.columns : all;
  if (fields.length === 0) throw validation('fields', 'Name at least one field');

  const where: string[] = [];
  for (const filter of query.filters) {
    const column = columnNamed(resource, filter.field, 'filters');
    const nonNull = filter.values.filter((v) => v !== null);
    const converted = nonNull.map((v) => {
      const text = typeof v === 'boolean' ? String(v) : String(v);
      const result = convertValue(column.type, text);
      if (result === null) throw validation('filters', `"${text.slice(0, 60)}" is not a valid ${CKAN_TYPES[column.type]} value for field "${filter.field}"`);
      return result;
    });
    const clauses: string[] = [];
    if (converted.length === 1) clauses.push(`${column.column} = ${bind(converted[0])}::${PG_TYPES[column.type]}`);
    else if (converted.length > 1) clauses.push(`${column.column} = ANY(${bind(converted)}::${PG_TYPES[column.type]}[])`);
    if (nonNull.length < filter.values.length) clauses.push(`${column.column} IS NULL`);
    where.push(clauses.length === 1 ? clauses[0]! : `(${clauses.join(' OR ')})`);
  }
  if (typeof query.q === 'string') {
    const text = resource.columns.filter((c) => c.type === 'text');
    const searched = text.length ? text : resource.columns;
    const pattern = bind(likePattern(query.q));
    where.push(`(${searched.map((c) => (c.type === 'text' ? `${c.column} ILIKE ${pattern}` : `${c.column}::text ILIKE ${pattern}`)).join(' OR ')})`);
  } else if (query.q) {
    for (const [name, text] of Object.entries(query.q)) {
      const column = columnNamed(resource, name, 'q');
      where.push(`${column.type === 'text' ? column.column : `${column.column}::text`} ILIKE ${bind(likePattern(text))}`);
    }
  }
  const order = query.sort.map((s) => `${columnNamed(resource, s.field, 'sort').column} ${s.descending ? 'DESC' : 'ASC'}`);
  if (!query.distinct && !query.sort.some((s) => s.field === '_id')) order.push('_id');

  const table = `datastore.${resource.tableName}`;
  const whereSql = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const countValues = [...values];
  const selectList = fields.map((f, i) => `${f.type === 'timestamp' ? `replace(${f.column}::text, ' ', 'T')` : f.column} AS f${i}`).join(', ');
  const orderSql = order.length ? ` ORDER BY ${order.join(', ')}` : '';
  const text = `SELECT ${query.distinct ? 'DISTINCT ' : ''}${selectList} FROM ${table}${whereSql}${orderSql} LIMIT ${bind(query.limit)} OFFSET ${bind(query.offset)}`;
  return {
    select: { text, values },
    count: query.includeTotal ? { text: `SELECT count(*)::int AS total FROM ${table}${whereSql}`, values: countValues } : null,
    fields,
  };
}

function jsonValue(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  // numeric arrives as text; CKAN clients expect JSON numbers.
  if (type === 'number') return Number(value);
  return value;
}

function recordOf(row: Record<string, unknown>, fields: ResourceColumn[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) record[fields[i]!.id] = jsonValue(fields[i]!.type, row[`f${i}`]);
  return record;
}

// ---- downloads ---------------------------------------------------------------------------------

function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value.trim() !== value ? `"${value.replaceAll('"', '""')}"` : value;
}

async function* streamRows(pool: Pool, resource: DataResource, format: 'csv' | 'json'): AsyncGenerator<string> {
  const client = await pool.connect();
  let open = false;
  try {
    await client.query('BEGIN READ ONLY');
    open = true;
    const list = resource.columns.map((c) => (c.type === 'timestamp' ? `replace(${c.column}::text, ' ', 'T')` : `${c.column}::text`)).join(', ');
    await client.query({ text: `DECLARE rows NO SCROLL CURSOR FOR SELECT ${list} FROM datastore.${resource.tableName} ORDER BY _id`, rowMode: 'array' } as pg.QueryConfig);
    if (format === 'csv') yield `${resource.columns.map((c) => csvField(c.id)).join(',')}\r\n`;
    else yield '[';
    let first = true;
    for (;;) {
      const { rows } = await client.query<unknown[]>({ text: 'FETCH 2000 FROM rows', rowMode: 'array' } as pg.QueryConfig);
      if (rows.length === 0) break;
      let chunk = '';
      for (const row of rows as Array<Array<string | null>>) {
        if (format === 'csv') {
          chunk += `${row.map((v, i) => (v === null ? '' : csvField(v))).join(',')}\r\n`;
        } else {
          const record: Record<string, unknown> = {};
          row.forEach((v, i) => {
            const column = resource.columns[i]!;
            record[column.id] = v === null ? null : column.type === 'integer' || column.type === 'number' ? Number(v) : column.type === 'boolean' ? v === 'true' : v;
          });
          chunk += `${first ? '' : ','}\n${JSON.stringify(record)}`;
          first = false;
        }
      }
      yield chunk;
    }
    if (format === 'json') yield '\n]\n';
    await client.query('COMMIT');
    open = false;
  } finally {
    if (open) await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}
