// The release process: .github/workflows/release.yml (validated by test/action-validator.test.ts)
// and scripts/release-notes.ts, which it runs to check the tag and take the CHANGELOG section.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { changelogSection, ReleaseError, releaseNotes, tagVersion } from '../scripts/release-notes.ts'

const root = resolve(import.meta.dirname, '..')

const CHANGELOG = `# Changelog

Intro.

## [Unreleased]

- Not yet.

## [1.2.0] - 2027-01-10

### Added

- Export of both APIs.

## [1.1.10] - 2026-12-20

- A fix.

[Unreleased]: https://github.com/acme/bolna-sip-trunk-number/compare/v1.2.0...HEAD
[1.2.0]: https://github.com/acme/bolna-sip-trunk-number/compare/v1.1.10...v1.2.0
`

describe('release notes', () => {
  it('a release tag is vX.Y.Z, and its major tag is vX', () => {
    expect(tagVersion('v1.2.3')).toEqual({ version: '1.2.3', major: 'v1' })
    expect(tagVersion('v10.0.0')).toEqual({ version: '10.0.0', major: 'v10' })
    for (const tag of ['1.2.3', 'v1.2', 'v1', 'v1.2.3-rc.1', 'v01.2.3', 'v1.2.3 ', 'refs/tags/v1.2.3']) {
      expect(() => tagVersion(tag), tag).toThrow(ReleaseError)
    }
  })

  it("takes exactly that version's section: not the next one, not the link definitions", () => {
    expect(changelogSection(CHANGELOG, '1.2.0')).toBe('### Added\n\n- Export of both APIs.')
    expect(changelogSection(CHANGELOG, '1.1.10')).toBe('- A fix.')
    // 1.1.1 is not 1.1.10, and a dot is not any character.
    expect(() => changelogSection(CHANGELOG, '1.1.1')).toThrow('CHANGELOG.md has no "## [1.1.1] - YYYY-MM-DD" section')
    expect(() => changelogSection(CHANGELOG.replace('## [1.1.10]', '## [1x1x10]'), '1.1.10')).toThrow(ReleaseError)
    expect(() => changelogSection('## [2.0.0] - 2027-02-01\n\n## [1.0.0]\n', '2.0.0')).toThrow("CHANGELOG.md's section for 2.0.0 is empty.")
  })

  it('refuses a tag whose version package.json does not carry', () => {
    expect(releaseNotes('v1.2.0', '1.2.0', CHANGELOG)).toContain('Export of both APIs')
    expect(() => releaseNotes('v1.2.0', '1.1.10', CHANGELOG)).toThrow('The tag v1.2.0 says 1.2.0, package.json says 1.1.10')
  })

  it('the script exits 1 with one line, no stack trace, when the repository is not ready for the tag', async () => {
    const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string }
    const run = (tag: string) =>
      new Promise<{ code: number; stdout: string; stderr: string }>(done => {
        execFile(process.execPath, [join(root, 'scripts/release-notes.ts'), tag], { cwd: root }, (error, stdout, stderr) =>
          done({ code: error ? Number(error.code) : 0, stdout, stderr })
        )
      })
    const notATag = await run('latest')
    expect(notATag).toMatchObject({ code: 1, stdout: '' })
    expect(notATag.stderr.trim()).toBe('The tag "latest" is not a release tag: it must be vX.Y.Z, e.g. v1.2.3.')
    const other = await run(version === '9.9.9' ? 'v9.9.8' : 'v9.9.9')
    expect(other.code).toBe(1)
    expect(other.stderr).toContain(`package.json says ${version}`)
    expect(other.stderr).not.toContain('    at ')
  })
})

describe('.github/workflows/release.yml', () => {
  interface Step {
    name?: string
    uses?: string
    run?: string
    with?: Record<string, unknown>
  }
  const workflow = parse(readFileSync(join(root, '.github/workflows/release.yml'), 'utf8')) as {
    on: { push: { tags: string[] } }
    concurrency: { group: string; 'cancel-in-progress': boolean }
    jobs: Record<string, { permissions: Record<string, string>; steps: Step[] }>
  }
  const [job] = Object.values(workflow.jobs)
  const steps = job!.steps
  const index = (test: (step: Step) => boolean) => steps.findIndex(test)
  const runs = (command: string) => index(step => step.run?.includes(command) ?? false)

  it('runs on vX.Y.Z tags only, one release at a time, never cancelled half-way', () => {
    expect(workflow.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } })
    expect(workflow.concurrency['cancel-in-progress']).toBe(false)
    expect(job!.permissions).toEqual({ contents: 'write', 'id-token': 'write', attestations: 'write' })
  })

  it('checks everything before it publishes: the version, a fresh dist/, lint, typecheck, tests; then attests, releases, moves the major tag', () => {
    const order = [
      runs('node scripts/release-notes.ts "$TAG"'),
      runs('npm run build'),
      runs('git diff --exit-code --stat dist/'),
      runs('npm run lint'),
      runs('npm run typecheck'),
      runs('npm test'),
      index(step => step.uses?.startsWith('actions/attest-build-provenance@') ?? false),
      runs('gh release create "$TAG" --verify-tag'),
      runs('git push --force origin "refs/tags/$major"')
    ]
    expect(
      order.every(i => i >= 0),
      JSON.stringify(order)
    ).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(steps[order[6]!]!.with).toEqual({ 'subject-path': 'dist/**' })
    expect(steps[order[7]!]!.run).toContain('--notes-file "$RUNNER_TEMP/release-notes.md"')
  })
})

describe('a fresh clone', () => {
  it('npm ci prints no wall of warnings: npm logs errors only (.npmrc), since every script runs on the Node 24 the node devDependency brings', async () => {
    const npmrc = await readFile(join(root, '.npmrc'), 'utf8')
    const settings = npmrc.split(/\r?\n/).filter(line => line.trim() !== '' && !line.startsWith('#'))
    expect(settings).toEqual(['loglevel=error'])
    const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> }
    expect(Number.parseInt(lock.packages['node_modules/node']?.version ?? '', 10)).toBe(24)
  })
})
