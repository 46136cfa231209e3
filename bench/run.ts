// npm run bench -- <name> [options]: runs bench/<name>.ts, which prints its figures as JSON.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(dir)
  .filter((file) => file.endsWith('.ts') && !['run.ts', 'support.ts'].includes(file))
  .map((file) => file.replace(/\.ts$/, ''));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <name>\navailable: ${available.join(', ')}\n`);
  process.exit(2);
}
process.argv.splice(2, 1);
await import(`./${name}.ts`);
