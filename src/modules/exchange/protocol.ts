// The once-only exchange's wire protocol in X-Road's REST style, as pure functions: reading and
// validating a request's path, headers and query; the canonical request and its hash
// (X-Road-Request-Hash); the bytes the response signature covers. No I/O here.
//
// Request:  GET /r1/{instance}/{class}/{member}/{subsystem}/{serviceCode}/{subjectId}
//   X-Road-Client: INSTANCE/CLASS/MEMBER/SUBSYSTEM   required: the calling subsystem
//   Authorization: Bearer <secret>                     required: the subsystem's API credential
//   X-Road-Purpose: <PURPOSE-CODE>                     required (or ?purpose=): agreements are purpose-bound
//   X-Road-UserId: <official's id>                     required when the client's member class is GOV
//   X-Road-Issue: <case reference>                     optional
//   X-Road-Id: <message id>                            optional; generated when absent; echoed
//
// Canonical request (UTF-8, lines joined by "\n", no trailing newline; absent values are empty):
//   oncegov-exchange-request/1
//   GET
//   <path exactly as requested, without the query string>
//   <X-Road-Client>
//   <purpose code>
//   <X-Road-UserId>
//   <X-Road-Issue>
//   <X-Road-Id>
// X-Road-Request-Hash = base64url(SHA-256(canonical request)), no padding. No value can hold a
// newline (header syntax and the patterns below forbid it), so the framing is unambiguous.
//
// Response signature (X-Road-Signature): a detached compact JWS, `<protected>..<signature>`,
// EdDSA (Ed25519), `kid` of the platform key in /.well-known/jwks.json, unencoded payload
// (RFC 7797: b64=false, crit ["b64"]); the payload is
//   ASCII(X-Road-Request-Hash) ‖ "\n" ‖ <the exact response body bytes>.
import { createHash, randomUUID } from 'node:crypto';
import { parseSubsystemId, type SubsystemIdParts } from '../directory';

export const CANONICAL_VERSION = 'oncegov-exchange-request/1';

/** X-Road-Error values this exchange answers with (X-Road's Client.* / Server.* convention). */
export type XRoadErrorCode =
  | 'Client.BadHeader'
  | 'Client.BadRequest'
  | 'Client.PurposeMissing'
  | 'Client.UserIdMissing'
  | 'Client.AuthenticationFailed'
  | 'Client.UnknownClient'
  | 'Client.AgreementMissing'
  | 'Client.ConsentRequired'
  | 'Client.TooManyFailures'
  | 'Server.ServiceUnknown'
  | 'Server.SubjectUnknown'
  | 'Server.InternalError';

const PART = /^[A-Za-z0-9._-]{1,64}$/;
const MESSAGE_ID = /^[A-Za-z0-9._:-]{1,100}$/;
const USER_ID = /^[A-Za-z0-9._@:+-]{1,100}$/;
const ISSUE = /^[\x20-\x7E]{1,200}$/;
const PURPOSE = /^[A-Z][A-Z-]{1,40}$/;
const SUBJECT = /^[A-Za-z0-9-]{1,32}$/;
const CREDENTIAL = /^Bearer ([A-Za-z0-9_-]{20,100})$/;

export interface ExchangeRequest {
  path: string;
  client: string;
  clientParts: SubsystemIdParts;
  provider: string;
  serviceCode: string;
  subjectId: string;
  purposeCode: string;
  userId: string | null;
  issue: string | null;
  messageId: string;
  /** The bearer secret, or null when absent or malformed. */
  secret: string | null;
  requestHash: string;
}

export interface ProtocolError {
  xroad: XRoadErrorCode;
  detail: string;
  field: string;
}

type Headers = Record<string, string | string[] | undefined>;

/** One header's value; a repeated header is refused, since it would be ambiguous. */
function single(headers: Headers, name: string): string | undefined | ProtocolError {
  const value = headers[name];
  if (Array.isArray(value)) return { xroad: 'Client.BadHeader', detail: `${name} must be given once.`, field: `/headers/${name}` };
  return value;
}

const isError = (value: unknown): value is ProtocolError => typeof value === 'object' && value !== null && 'xroad' in value;

export function requestHash(parts: { method: string; path: string; client: string; purposeCode: string; userId: string | null; issue: string | null; messageId: string }): string {
  const canonical = [CANONICAL_VERSION, parts.method, parts.path, parts.client, parts.purposeCode, parts.userId ?? '', parts.issue ?? '', parts.messageId].join('\n');
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}

/** The bytes the response signature covers. */
export function signedPayload(requestHashValue: string, body: Uint8Array): Uint8Array {
  return Buffer.concat([Buffer.from(`${requestHashValue}\n`, 'ascii'), body]);
}

/** The provider subsystem, service code and subject id named by the path. */
export function parseServicePath(params: Record<string, string | undefined>): { provider: string; serviceCode: string; subjectId: string } | ProtocolError {
  const names = ['xRoadInstance', 'memberClass', 'memberCode', 'subsystemCode'] as const;
  for (const name of [...names, 'serviceCode'] as const) {
    const value = params[name];
    if (typeof value !== 'string' || !PART.test(value)) {
      return { xroad: 'Client.BadRequest', detail: `The path part ${name} must be 1–64 characters of A–Z, a–z, 0–9, ".", "_" or "-".`, field: `/params/${name}` };
    }
  }
  const subjectId = params.subjectId;
  if (typeof subjectId !== 'string' || !SUBJECT.test(subjectId)) {
    return { xroad: 'Client.BadRequest', detail: 'The subject id must be 1–32 characters of letters, digits or "-".', field: '/params/subjectId' };
  }
  return { provider: names.map((name) => params[name]).join('/'), serviceCode: params.serviceCode!, subjectId };
}

/**
 * Reads an exchange request. `params` are the (already URL-decoded) path parameters, `path` the
 * raw path without the query string. Returns the request or the first problem found.
 */
export function parseExchangeRequest(input: {
  params: Record<string, string | undefined>;
  path: string;
  headers: Headers;
  query: Record<string, unknown>;
}): ExchangeRequest | ProtocolError {
  const { params, headers, query } = input;
  const service = parseServicePath(params);
  if (isError(service)) return service;
  const { provider, subjectId } = service;

  const client = single(headers, 'x-road-client');
  if (isError(client)) return client;
  if (client === undefined) return { xroad: 'Client.BadHeader', detail: 'The X-Road-Client header is required: INSTANCE/CLASS/MEMBER/SUBSYSTEM.', field: '/headers/x-road-client' };
  const clientParts = parseSubsystemId(client);
  if (!clientParts) return { xroad: 'Client.BadHeader', detail: 'X-Road-Client must be INSTANCE/CLASS/MEMBER/SUBSYSTEM, each part 1–64 characters of A–Z, a–z, 0–9, ".", "_" or "-".', field: '/headers/x-road-client' };

  const messageIdHeader = single(headers, 'x-road-id');
  if (isError(messageIdHeader)) return messageIdHeader;
  if (messageIdHeader !== undefined && !MESSAGE_ID.test(messageIdHeader)) {
    return { xroad: 'Client.BadHeader', detail: 'X-Road-Id must be 1–100 characters of A–Z, a–z, 0–9, ".", "_", ":" or "-".', field: '/headers/x-road-id' };
  }
  const userId = single(headers, 'x-road-userid');
  if (isError(userId)) return userId;
  if (userId !== undefined && !USER_ID.test(userId)) {
    return { xroad: 'Client.BadHeader', detail: 'X-Road-UserId must be 1–100 characters of A–Z, a–z, 0–9, ".", "_", "@", ":", "+" or "-".', field: '/headers/x-road-userid' };
  }
  if (userId === undefined && clientParts.memberClass === 'GOV') {
    return { xroad: 'Client.UserIdMissing', detail: 'A government client must name the official acting in X-Road-UserId.', field: '/headers/x-road-userid' };
  }
  const issue = single(headers, 'x-road-issue');
  if (isError(issue)) return issue;
  if (issue !== undefined && !ISSUE.test(issue)) {
    return { xroad: 'Client.BadHeader', detail: 'X-Road-Issue must be 1–200 printable ASCII characters.', field: '/headers/x-road-issue' };
  }

  const purposeHeader = single(headers, 'x-road-purpose');
  if (isError(purposeHeader)) return purposeHeader;
  const purposeQuery = query.purpose;
  if (purposeQuery !== undefined && typeof purposeQuery !== 'string') {
    return { xroad: 'Client.BadRequest', detail: 'The purpose query parameter must be given once.', field: '/query/purpose' };
  }
  if (purposeHeader !== undefined && purposeQuery !== undefined && purposeHeader !== purposeQuery) {
    return { xroad: 'Client.BadRequest', detail: 'X-Road-Purpose and the purpose query parameter disagree.', field: '/query/purpose' };
  }
  const purposeCode = purposeHeader ?? purposeQuery;
  if (purposeCode === undefined) {
    return { xroad: 'Client.PurposeMissing', detail: 'Give the purpose code of the access agreement in X-Road-Purpose (or ?purpose=).', field: '/headers/x-road-purpose' };
  }
  if (!PURPOSE.test(purposeCode)) {
    return { xroad: 'Client.BadRequest', detail: 'The purpose code must be 2–41 characters of A–Z or "-", starting with a letter.', field: '/headers/x-road-purpose' };
  }

  const authorization = single(headers, 'authorization');
  if (isError(authorization)) return authorization;
  const secret = authorization === undefined ? null : (CREDENTIAL.exec(authorization)?.[1] ?? null);

  const messageId = messageIdHeader ?? randomUUID();
  const path = input.path;
  return {
    path,
    client,
    clientParts,
    provider,
    serviceCode: params.serviceCode!,
    subjectId,
    purposeCode,
    userId: userId ?? null,
    issue: issue ?? null,
    messageId,
    secret,
    requestHash: requestHash({ method: 'GET', path, client, purposeCode, userId: userId ?? null, issue: issue ?? null, messageId }),
  };
}

export function isProtocolError<T extends object>(value: T | ProtocolError): value is ProtocolError {
  return isError(value);
}

/** The X-Road-Id to echo on an error before the request could be read: the caller's when well-formed. */
export function echoableMessageId(headers: Headers): string | null {
  const value = headers['x-road-id'];
  return typeof value === 'string' && MESSAGE_ID.test(value) ? value : null;
}
