/**
 * The Node.js the action needs: action.yml's `runs.using: node24`. Checked before anything else, so
 * that `node dist/index.js` on an older Node says what is wrong instead of failing later on an API
 * that Node lacks (`Map.groupBy is not a function` on Node 20).
 */
export const NODE_MAJOR = 24

/** Why this Node.js cannot run the action, or undefined when it can. */
export function unsupportedNode(version: string): string | undefined {
  const major = Number.parseInt(version, 10)
  if (major >= NODE_MAJOR) return undefined
  return `This action needs Node.js ${NODE_MAJOR} or later (action.yml: runs.using: node${NODE_MAJOR}), but runs on Node.js ${version}. GitHub's runners give it Node.js ${NODE_MAJOR}; to run dist/index.js yourself, use Node.js ${NODE_MAJOR} (in this repository, node_modules/.bin/node after npm ci).`
}
