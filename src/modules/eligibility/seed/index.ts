// The seed rule set: realistic Korean benefits written with the builders in build.ts and
// published as YAML documents. The ids shared with the service catalogue and notifications
// (docs: /work/notes/shared-ids.md) are among them with those meanings.
import { stringify } from 'yaml';
import { childRules } from './children';
import { regionalRules } from './regional';
import { welfareRules } from './welfare';
import type { Doc } from './build';

function allRuleDocuments(): Doc[] {
  return [...childRules(), ...welfareRules(), ...regionalRules()];
}

/** Each seed rule as the YAML source an official would see and edit. */
export function seedRuleSources(): Array<{ id: string; source: string }> {
  return allRuleDocuments().map((doc) => ({ id: String(doc.id), source: stringify(doc, { lineWidth: 0 }) }));
}
