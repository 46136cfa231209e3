// The OpenAPI 3.1 description of one data product as an X-Road REST service, what the getOpenAPI
// metaservice returns: the service lives at /r1/{provider subsystem}/{service code}, is read with
// GET /{subjectId}, and answers an object with the product's fields. Titles are in the reader's
// language, with both languages under x-title; x-sensitivity gives each field's class.
import type { Locale } from '../../core/i18n';
import type { DataProduct, DataProductField } from '../registry/data-products';

type JsonSchema = Record<string, unknown>;

const SUBJECT = {
  resident: {
    schema: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    description: { ko: '대상 주민의 주민 ID', en: 'Registry id of the resident the data is about' },
  },
  business: {
    schema: { type: 'string', pattern: '^(\\d{10}|\\d{3}-\\d{2}-\\d{5})$' },
    description: { ko: '대상 사업자의 사업자등록번호(1234567890 또는 123-45-67890)', en: 'Business registration number of the business the data is about (1234567890 or 123-45-67890)' },
  },
} as const;

const MINIMISED = {
  ko: '기관 간 이용 협약에서 승인된 항목만 응답에 포함됩니다.',
  en: 'A response carries only the fields approved in the consumer\'s access agreement.',
};

function fieldSchema(field: DataProductField, locale: Locale): JsonSchema {
  let schema: JsonSchema;
  switch (field.type) {
    case 'string':
      schema = { type: 'string' };
      break;
    case 'integer':
      schema = { type: 'integer' };
      break;
    case 'date':
      schema = { type: 'string', format: 'date' };
      break;
    case 'boolean':
      schema = { type: 'boolean' };
      break;
    case 'array':
      schema = { type: 'array', items: objectSchema(field.items ?? [], locale, true) };
      break;
  }
  if (field.enum) schema.enum = field.nullable ? [...field.enum, null] : [...field.enum];
  if (field.nullable) schema.type = [schema.type, 'null'];
  return { title: field.title[locale], ...schema, 'x-title': field.title, 'x-sensitivity': field.sensitivity };
}

function objectSchema(fields: readonly DataProductField[], locale: Locale, complete: boolean): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    ...(complete ? { required: fields.map((f) => f.name) } : {}),
    properties: Object.fromEntries(fields.map((f) => [f.name, fieldSchema(f, locale)])),
  };
}

export interface OpenApiDescription {
  openapi: '3.1.0';
  info: Record<string, unknown>;
  servers: Array<{ url: string }>;
  paths: Record<string, unknown>;
  components: { schemas: Record<string, JsonSchema> };
}

export function dataProductOpenApi(product: DataProduct, locale: Locale): OpenApiDescription {
  const subject = SUBJECT[product.subject];
  return {
    openapi: '3.1.0',
    info: {
      title: `${product.id}: ${product.title[locale]}`,
      version: '1',
      description: `${product.description[locale].replace(/\.$/, '')}. ${MINIMISED[locale]}`,
      'x-title': product.title,
      'x-description': product.description,
      'x-provider-subsystem': product.providerSubsystem,
      'x-subject': product.subject,
      'x-sensitivity': product.sensitivity,
    },
    servers: [{ url: `/r1/${product.providerSubsystem}/${product.id}` }],
    paths: {
      '/{subjectId}': {
        get: {
          operationId: product.id,
          summary: product.title[locale],
          parameters: [{ name: 'subjectId', in: 'path', required: true, description: subject.description[locale], schema: subject.schema }],
          responses: {
            200: {
              description: product.title[locale],
              content: { 'application/json': { schema: { $ref: `#/components/schemas/${product.id}` } } },
            },
          },
        },
      },
    },
    // Top-level fields are not `required`: minimisation leaves out what the agreement does not cover.
    components: { schemas: { [product.id]: { title: product.title[locale], ...objectSchema(product.fields, locale, false) } } },
  };
}
