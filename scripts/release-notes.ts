// npm run release-notes -- vX.Y.Z: checks a release tag against package.json and CHANGELOG.md, and
// prints that version's CHANGELOG section (the GitHub release's notes). The release workflow runs it;
// it fails, saying why, when the tag is no vX.Y.Z, package.json says another version, or CHANGELOG.md
// has no section for it (or an empty one).
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'

export class ReleaseError extends Error {}

/** The version of a release tag `vX.Y.Z` (no pre-release or build suffix). */
export function tagVersion(tag: string): { version: string; major: string } {
  const match = /^v((0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*))$/.exec(tag)
  if (!match) throw new ReleaseError(`The tag ${JSON.stringify(tag)} is not a release tag: it must be vX.Y.Z, e.g. v1.2.3.`)
  return { version: match[1]!, major: `v${match[2]}` }
}

/**
 * The body of the `## [X.Y.Z]` section of a Keep a Changelog file (the heading may carry a date after
 * it), up to the next `## ` heading or the link definitions at the end, trimmed.
 */
export function changelogSection(changelog: string, version: string): string {
  const lines = changelog.split(/\r?\n/)
  const heading = new RegExp(`^## \\[?${version.replaceAll('.', '\\.')}\\]?(?:\\s|$)`)
  const start = lines.findIndex(line => heading.test(line))
  if (start < 0) throw new ReleaseError(`CHANGELOG.md has no "## [${version}] - YYYY-MM-DD" section: move the Unreleased entries under it first.`)
  const rest = lines.slice(start + 1)
  const end = rest.findIndex(line => /^## /.test(line) || /^\[[^\]]+\]: /.test(line))
  const body = (end < 0 ? rest : rest.slice(0, end)).join('\n').trim()
  if (body === '') throw new ReleaseError(`CHANGELOG.md's section for ${version} is empty.`)
  return body
}

/** The release notes for a tag, after checking that package.json carries the same version. */
export function releaseNotes(tag: string, packageVersion: string, changelog: string): string {
  const { version } = tagVersion(tag)
  if (packageVersion !== version) {
    throw new ReleaseError(
      `The tag ${tag} says ${version}, package.json says ${packageVersion}: run npm version ${version} --no-git-tag-version, commit, and tag that commit.`
    )
  }
  return changelogSection(changelog, version)
}

if (import.meta.main) {
  const root = resolve(import.meta.dirname, '..')
  const [tag = ''] = process.argv.slice(2)
  try {
    const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string }
    process.stdout.write(`${releaseNotes(tag, version, await readFile(join(root, 'CHANGELOG.md'), 'utf8'))}\n`)
  } catch (error) {
    if (!(error instanceof ReleaseError)) throw error
    process.stderr.write(`${error.message}\n`)
    process.exitCode = 1
  }
}
