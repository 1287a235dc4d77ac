// The node flags a package.json script starts its process with ("node --max-semi-space-size=8
// dist/workers/main.js" → ["--max-semi-space-size=8"]), so a test or the bench that spawns the
// process itself runs it as `npm run <script>` does.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export function scriptNodeFlags(script: string): string[] {
  const scripts = (
    JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
    }
  ).scripts;
  const command = scripts?.[script];
  if (!command) throw new Error(`package.json has no "${script}" script`);
  const [runner, ...rest] = command.trim().split(/\s+/);
  if (runner !== 'node' && runner !== 'tsx')
    throw new Error(`"${script}" does not start with node or tsx: ${command}`);
  const flags: string[] = [];
  for (const word of rest) {
    if (!word.startsWith('--')) break;
    flags.push(word);
  }
  return flags;
}
