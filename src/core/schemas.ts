// Schema helpers shared by route definitions (TypeBox → JSON Schema → validation and OpenAPI).
import { Type, type TInteger, type TSchema } from '@sinclair/typebox';

/** Error responses a route documents; every one is RFC 9457 problem+json. */
export function problemResponses(...statuses: number[]): Record<number, unknown> {
  return Object.fromEntries(
    statuses.map((status) => [status, { $ref: 'Problem#', description: 'Problem details (RFC 9457)' }]),
  );
}

export const LocaleQuery = Type.Object(
  { lang: Type.Optional(Type.Union([Type.Literal('ko'), Type.Literal('en')], { description: 'Language of the page or messages' })) },
  { additionalProperties: true },
);

export const IdParam = <K extends string>(name: K, description: string) =>
  Type.Object({ [name]: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description }) } as Record<K, TInteger>);

export const IsoDate = Type.String({ format: 'date', description: 'Calendar date, YYYY-MM-DD' });

export const Localised = (description: string) =>
  Type.Object({ ko: Type.String(), en: Type.String() }, { description });

export type { TSchema };

const HTML_RESPONSE = { description: 'Server-rendered HTML page in Korean or English', content: { 'text/html': { schema: { type: 'string' } } } };
const REDIRECT_RESPONSE = { description: 'See Other: the next page is in the Location header', type: 'null' };
const HTML_ERROR_RESPONSE = {
  description: 'Error: an HTML page for browsers (Accept: text/html), otherwise RFC 9457 problem+json',
  content: { 'text/html': { schema: { type: 'string' } }, 'application/problem+json': { schema: { $ref: 'Problem#' } } },
};

/**
 * Schema parts for a server-rendered page or form: listed in the OpenAPI document under "pages"
 * with its HTML (or redirect) response, like every API route.
 */
export function pageSchema(summary: string, options: { redirects?: boolean; errors?: number[] } = {}) {
  return {
    tags: ['pages'],
    summary,
    response: {
      [options.redirects ? 303 : 200]: options.redirects ? REDIRECT_RESPONSE : HTML_RESPONSE,
      ...Object.fromEntries((options.errors ?? []).map((status) => [status, HTML_ERROR_RESPONSE])),
    },
  };
}
