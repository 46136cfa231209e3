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
