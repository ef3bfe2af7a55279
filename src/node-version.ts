// The one statement of the Node.js version Topic needs (Prisma 7 needs
// 20.19; package.json's "engines" and the README say the same, and a test
// keeps them in step). Imported first by main.ts, so an older Node stops
// with one line before anything else loads.
export const NODE_REQUIRED = '20.19.0';

/** The problem with this Node version, or undefined when it is new enough. */
export function nodeVersionProblem(version: string): string | undefined {
  const have = version.replace(/^v/, '').split('.').map(Number);
  const need = NODE_REQUIRED.split('.').map(Number);
  for (let i = 0; i < need.length; i++) {
    const h = have[i] ?? 0;
    const n = need[i] ?? 0;
    if (h > n) return undefined;
    if (h < n) return `Topic needs Node.js ${NODE_REQUIRED} or newer; this is ${version}. Install a current Node.js 20, 22 or 24.`;
  }
  return undefined;
}
