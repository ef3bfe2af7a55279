// One truth about the Node.js version: the start-up check, package.json's
// "engines" and the README say the same (Prisma 7 needs 20.19).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { NODE_REQUIRED, nodeVersionProblem } from '../../src/node-version.js';

const root = new URL('../..', import.meta.url).pathname;

// Bug: a version compared as text ("20.9" > "20.19") or only by its major number.
test('Node.js older than 20.19 is refused with one line; 20.19 and newer pass', () => {
  assert.equal(nodeVersionProblem('20.18.3'), 'Topic needs Node.js 20.19.0 or newer; this is 20.18.3. Install a current Node.js 20, 22 or 24.');
  assert.ok(nodeVersionProblem('20.9.0'));
  assert.ok(nodeVersionProblem('18.20.4'));
  for (const ok of ['20.19.0', '20.20.2', 'v22.1.0', '24.0.0']) assert.equal(nodeVersionProblem(ok), undefined, ok);
});

// Bug: the three places drifting apart again.
test('package.json and the README state the same version as the check', () => {
  const [major, minor] = NODE_REQUIRED.split('.');
  const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { engines: { node: string } };
  assert.equal(pkg.engines.node, `>=${major}.${minor}`);
  const readme = readFileSync(`${root}/README.md`, 'utf8');
  assert.match(readme, new RegExp(`Node\\.js ${major}\\.${minor} or newer`));
  assert.doesNotMatch(readme, /Node\.js 20 \(or newer\)/);
});
