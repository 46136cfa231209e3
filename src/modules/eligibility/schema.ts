// Request and response schemas of the rules API (/api/v1/rules).
import { Type } from '@sinclair/typebox';
import { IsoDate, Localised } from '../../core/schemas';

export const RuleIdParams = Type.Object({ ruleId: Type.String({ pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$', maxLength: 80, description: 'Rule id, e.g. child-allowance' }) });
export const VersionParams = Type.Object({
  ruleId: RuleIdParams.properties.ruleId,
  version: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Rule version' }),
});

export const SaveRuleBody = Type.Object(
  { source: Type.String({ maxLength: 200_000, description: 'The rule as one YAML document (see src/modules/eligibility/language.ts)' }) },
  { additionalProperties: false },
);

export const RuleVersionSchema = Type.Object({
  ruleId: Type.String(),
  version: Type.Integer(),
  status: Type.Unsafe<'draft' | 'published' | 'superseded'>({ type: 'string', enum: ['draft', 'published', 'superseded'] }),
  title: Localised('Title of the benefit'),
  agency: Type.String(),
  category: Type.String({ description: 'Notification category' }),
  entity: Type.Unsafe<'person' | 'household'>({ type: 'string', enum: ['person', 'household'] }),
  savedBy: Type.String(),
  savedAt: Type.String({ format: 'date-time' }),
  publishedBy: Type.Union([Type.String(), Type.Null()]),
  publishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const RuleListSchema = Type.Object({ items: Type.Array(RuleVersionSchema) });

const WithSource = Type.Union([Type.Intersect([RuleVersionSchema, Type.Object({ source: Type.String() })]), Type.Null()]);
export const RuleDetailSchema = Type.Object({
  ruleId: Type.String(),
  versions: Type.Array(RuleVersionSchema),
  published: WithSource,
  draft: WithSource,
});

export const DecisionsQuery = Type.Object({
  residentId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'The resident' }),
  date: Type.Optional(IsoDate),
});

const ConditionExplanationSchema = Type.Object({
  label: Localised('The condition'),
  passed: Type.Boolean(),
  actual: Type.Union([Type.String(), Type.Null()]),
  threshold: Type.Union([Type.String(), Type.Null()]),
  operator: Type.Union([Type.String(), Type.Null()]),
  text: Localised('The condition with the actual value and the threshold'),
});

export const DecisionListSchema = Type.Object({
  residentId: Type.Integer(),
  date: Type.String(),
  items: Type.Array(
    Type.Object({
      ruleId: Type.String(),
      version: Type.Integer(),
      title: Localised('Benefit'),
      agency: Type.String(),
      category: Type.String(),
      entity: Type.String(),
      eligible: Type.Boolean(),
      amount: Type.Number({ description: 'KRW per period when eligible, else 0' }),
      period: Type.Union([Type.String(), Type.Null()]),
      explanation: Type.Object({ summary: Localised('Why'), conditions: Type.Array(ConditionExplanationSchema) }),
    }),
  ),
});
