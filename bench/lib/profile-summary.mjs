// Summarises a .cpuprofile: self time by function (top N) and by package, as JSON.
// Usage: node bench/lib/profile-summary.mjs <file> [N]
import { readFileSync } from 'node:fs';

const [file, top = '30'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
for (let i = 0; i < profile.samples.length; i += 1) {
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...self.values()].reduce((sum, us) => sum + us, 0);
const functions = new Map();
const packages = new Map();
for (const [id, us] of self) {
  const { callFrame } = byId.get(id);
  const where = callFrame.url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'node_modules/').replace(/^.*\/work\/[^/]+\//, '');
  const key = `${callFrame.functionName || '(anonymous)'} ${where}:${callFrame.lineNumber + 1}`;
  functions.set(key, (functions.get(key) ?? 0) + us);
  const pkg = where.startsWith('node_modules/') ? where.split('/').slice(1, where.split('/')[1].startsWith('@') ? 3 : 2).join('/') : where ? (where.startsWith('node:') ? 'node' : where.split('/').slice(0, 3).join('/')) : callFrame.functionName;
  packages.set(pkg, (packages.get(pkg) ?? 0) + us);
}
const share = (entries) => Object.fromEntries([...entries].sort((a, b) => b[1] - a[1]).slice(0, Number(top)).map(([k, us]) => [k, `${((us / total) * 100).toFixed(1)} %`]));
console.log(JSON.stringify({ totalMs: Math.round(total / 1000), byPackage: share(packages), byFunction: share(functions) }, null, 1));
