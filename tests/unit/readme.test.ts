// The README's configuration reference lists every variable config.ts reads, and only those.
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES } from '../../config';

const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

test('the configuration table of the README names exactly the variables of config.ts', () => {
  const table = /<!-- config:start -->([\s\S]*?)<!-- config:end -->/.exec(readme)?.[1] ?? '';
  const listed = [...table.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
  expect(new Set(listed).size).toBe(listed.length);
  expect([...listed].sort()).toEqual([...CONFIG_VARIABLES].sort());
});
