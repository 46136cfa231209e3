// Relying parties registered by the platform operator (sso.clients): agencies and partner
// channels. Validation of a registration lives here so the API and the console page refuse the
// same things with the same field pointers; `toProviderMetadata` is what oidc-provider sees.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AdapterPayload } from 'oidc-provider';
import type { Queryable } from '../../core/db';
import type { FieldProblem } from '../../core/errors';
import { ID_TOKEN_ALG } from './keys';
import { isScope, type Scope } from './scopes';

export const CLIENT_KINDS = ['agency', 'partner'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];
export const CLIENT_ID_PATTERN = '^[a-z0-9][a-z0-9._-]{2,62}$';

export interface SsoClient {
  clientId: string;
  name: { ko: string; en: string };
  kind: ClientKind;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  scopes: Scope[];
  /** public: no secret, authenticates with PKCE alone; confidential: client_secret_basic. */
  type: 'public' | 'confidential';
  createdBy: string;
  createdAt: string;
}

export interface ClientRegistration {
  clientId: string;
  nameKo: string;
  nameEn: string;
  kind: ClientKind;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  scopes: string[];
  type: 'public' | 'confidential';
}

interface ClientRow {
  client_id: string;
  name_ko: string;
  name_en: string;
  kind: ClientKind;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  scopes: string[];
  secret_sha256: string | null;
  created_by: string;
  created_at: Date;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(storedSha256: string | undefined, presented: string): boolean {
  if (!storedSha256) return false;
  const left = Buffer.from(storedSha256);
  const right = Buffer.from(hashSecret(presented));
  return left.length === right.length && timingSafeEqual(left, right);
}

export function newClientSecret(): string {
  return `ogc_${randomBytes(32).toString('base64url')}`;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An exact redirect URI: absolute, https (http only on this machine), no fragment or credentials. */
export function redirectUriProblem(value: string): string | undefined {
  if (value.length > 500) return 'is longer than 500 characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return 'must use https (http only for localhost)';
  if (url.hash || value.includes('#')) return 'must not contain a fragment';
  if (url.username || url.password) return 'must not contain credentials';
  return undefined;
}

export function validateRegistration(input: ClientRegistration): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!new RegExp(CLIENT_ID_PATTERN).test(input.clientId)) {
    problems.push({ field: '/body/clientId', message: 'use 3 to 63 lowercase letters, digits, dots, dashes or underscores' });
  }
  if (!input.nameKo.trim()) problems.push({ field: '/body/nameKo', message: 'is required' });
  if (!input.nameEn.trim()) problems.push({ field: '/body/nameEn', message: 'is required' });
  if (input.redirectUris.length === 0) problems.push({ field: '/body/redirectUris', message: 'give at least one redirect URI' });
  input.redirectUris.forEach((uri, i) => {
    const problem = redirectUriProblem(uri);
    if (problem) problems.push({ field: `/body/redirectUris/${i}`, message: problem });
  });
  // The host is the sector of the client's pairwise subject identifiers: one host per client.
  const hosts = new Set(input.redirectUris.filter((uri) => !redirectUriProblem(uri)).map((uri) => new URL(uri).host));
  if (hosts.size > 1) problems.push({ field: '/body/redirectUris', message: 'all redirect URIs must be on one host (register a client per site)' });
  (input.postLogoutRedirectUris ?? []).forEach((uri, i) => {
    const problem = redirectUriProblem(uri);
    if (problem) problems.push({ field: `/body/postLogoutRedirectUris/${i}`, message: problem });
  });
  if (!input.scopes.includes('openid')) problems.push({ field: '/body/scopes', message: 'must include openid' });
  input.scopes.forEach((scope, i) => {
    if (!isScope(scope)) problems.push({ field: `/body/scopes/${i}`, message: 'is not a scope OnceGov offers' });
  });
  return problems;
}

function toClient(row: ClientRow): SsoClient {
  return {
    clientId: row.client_id,
    name: { ko: row.name_ko, en: row.name_en },
    kind: row.kind,
    redirectUris: row.redirect_uris,
    postLogoutRedirectUris: row.post_logout_redirect_uris,
    scopes: row.scopes.filter(isScope),
    type: row.secret_sha256 ? 'confidential' : 'public',
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}

const COLUMNS = 'client_id, name_ko, name_en, kind, redirect_uris, post_logout_redirect_uris, scopes, secret_sha256, created_by, created_at';

export async function findClientRow(db: Queryable, clientId: string): Promise<ClientRow | undefined> {
  if (clientId.length > 63) return undefined;
  return (await db.query<ClientRow>(`SELECT ${COLUMNS} FROM sso.clients WHERE client_id = $1`, [clientId])).rows[0];
}

export async function findClient(db: Queryable, clientId: string): Promise<SsoClient | undefined> {
  const row = await findClientRow(db, clientId);
  return row && toClient(row);
}

export async function listClients(db: Queryable): Promise<SsoClient[]> {
  return (await db.query<ClientRow>(`SELECT ${COLUMNS} FROM sso.clients ORDER BY created_at DESC, client_id`)).rows.map(toClient);
}

/** Inserts a registration; false when the client id is taken. */
export async function insertClient(db: Queryable, input: ClientRegistration, secretSha256: string | null, createdBy: string): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO sso.clients (client_id, name_ko, name_en, kind, redirect_uris, post_logout_redirect_uris, scopes, secret_sha256, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (client_id) DO NOTHING`,
    [input.clientId, input.nameKo.trim(), input.nameEn.trim(), input.kind, input.redirectUris, input.postLogoutRedirectUris ?? [], [...new Set(input.scopes)], secretSha256, createdBy],
  );
  return result.rowCount === 1;
}

/**
 * The client as oidc-provider metadata. The "secret" it holds is the SHA-256 of the real one;
 * the provider compares presented secrets through our compareClientSecret (service.ts).
 */
export function toProviderMetadata(row: ClientRow): AdapterPayload {
  return {
    client_id: row.client_id,
    client_name: row.name_en,
    ...(row.secret_sha256 ? { client_secret: row.secret_sha256, token_endpoint_auth_method: 'client_secret_basic' } : { token_endpoint_auth_method: 'none' }),
    redirect_uris: row.redirect_uris,
    post_logout_redirect_uris: row.post_logout_redirect_uris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    scope: row.scopes.filter(isScope).join(' '),
    id_token_signed_response_alg: ID_TOKEN_ALG,
    subject_type: 'pairwise',
  };
}
