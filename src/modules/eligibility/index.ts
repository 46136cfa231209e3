// The eligibility module owns the rules-as-code engine: a small declarative rule language in
// YAML (language.ts; variables in variables.ts), validation on save with the line and field of
// every problem (validate.ts), a compiler to one pass over the population's columns
// (compiler.ts), a naive one-resident interpreter for comparison and explanations
// (interpreter.ts), and the seed rule set (seed/).
import type { PopulationColumns } from '../registry/columns';
import { outputFor, type CompiledRule, type RuleOutput } from './compiler';
import { MissingParameterValueError } from './parameters';
import { seedRuleSources } from './seed';
import { validateRule } from './validate';

export { compileRule, outputFor, evaluationFrame, type CompiledRule, type RuleOutput } from './compiler';
export { interpretRule, explainDecision, type Decision, type Explanation, type ConditionExplanation } from './interpreter';
export { parseRule, type Rule, type RuleProblem } from './language';
export { validateRule, type ValidationResult } from './validate';
export { MissingParameterValueError } from './parameters';
export { VARIABLES, NOTIFICATION_CATEGORIES, type NotificationCategory } from './variables';
export { seedRuleSources } from './seed';

/** The seed rules, validated and compiled; throws listing the problems if any seed rule is invalid. */
export function compileSeedRules(): CompiledRule[] {
  return seedRuleSources().map(({ id, source }) => {
    const result = validateRule(source);
    if (!result.ok) {
      const lines = result.problems.map((p) => `  ${p.path} (line ${p.line}, column ${p.column}): ${p.message.en}`);
      throw new Error(`seed rule ${id} is invalid:\n${lines.join('\n')}`);
    }
    return result.compiled;
  });
}

/**
 * Evaluates every rule over the whole population for one date, handing each rule's output to
 * `onRule` before the next rule reuses the same arrays (copy what you keep). A rule with a
 * parameter that has no value on the date decides nothing that day: it goes to `onSkipped`.
 */
export function sweep(
  rules: readonly CompiledRule[],
  columns: PopulationColumns,
  date: string,
  onRule: (rule: CompiledRule, output: RuleOutput) => void,
  onSkipped: (rule: CompiledRule, error: MissingParameterValueError) => void = () => undefined,
): void {
  const buffers = new Map<string, RuleOutput>();
  for (const compiled of rules) {
    let out = buffers.get(compiled.rule.entity);
    if (!out) buffers.set(compiled.rule.entity, (out = outputFor(compiled.rule, columns)));
    let output: RuleOutput;
    try {
      output = compiled.evaluate(columns, date, out);
    } catch (error) {
      if (error instanceof MissingParameterValueError) {
        onSkipped(compiled, error);
        continue;
      }
      throw error;
    }
    onRule(compiled, output);
  }
}

export { EligibilityService, RULE_PUBLISHED, ruleFieldProblems, type RuleContext, type RuleDetail, type RuleVersionSummary, type ResidentDecision } from './service';
export { eligibilityRoutes } from './routes';
export { rulesConsole } from './console';
export { benefitsPages } from './pages';
