// Export writes only inside the workspace, never through a link, and only what applies again: a
// value the numbers file would refuse is left out with a comment saying why, so that planning the
// export right away changes nothing, and one bad trunk never stops the others.
import { lstat, mkdir, mkdtemp, readFile, readdir, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { emulatedStep, failure } from '../helpers/emulated-step.ts'
import type { EmulatedStep } from '../helpers/emulated-step.ts'
import { annotations, runAction } from '../helpers/run-action.ts'
import type { ActionRun } from '../helpers/run-action.ts'

const KEY = 'export-safety-key-2f8e'
const NEW = '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e21'

async function exportTo(step: EmulatedStep, workspace: string, inputs: Record<string, string>): Promise<ActionRun> {
  const run = await runAction({ inputs: { token: KEY, api_base_url: step.emulator.url, timeout_seconds: '2', ...inputs }, workspace })
  expect(run.everything).not.toContain(KEY)
  expect(run.stdout + run.stderr, 'a stack trace').not.toMatch(/\n\s+at .+:\d+:\d+/)
  return run
}

/** Plans the exported file right away: it must be a valid numbers file that changes nothing. */
async function replan(step: EmulatedStep, workspace: string, file: string, trunkApi = 'sip-trunks'): Promise<ActionRun> {
  const run = await exportTo(step, workspace, { numbers_file: file, dry_run: 'true', fail_on_drift: 'true', trunk_api: trunkApi })
  expect(run.code, `${failure(run)}\n${await readFile(join(workspace, file), 'utf8')}`).toBe(0)
  expect(run.outputs.has_changes).toBe('false')
  return run
}

describe.skipIf(process.platform === 'win32')('export never writes through a link', () => {
  it('a dangling link as export_file: refused, and nothing is written where it points', async ({ onTestFinished }) => {
    const step = await emulatedStep(onTestFinished, KEY, { trunks: ['trunk-1'] })
    const workspace = await mkdtemp(join(tmpdir(), 'export-ws-'))
    const outside = await mkdtemp(join(tmpdir(), 'export-outside-'))
    await symlink(join(outside, 'stolen.yml'), join(workspace, 'exported.yml'))
    const run = await exportTo(step, workspace, { export_file: 'exported.yml', trunk_id: 'trunk-1' })
    expect(run.code).toBe(1)
    expect(failure(run)).toMatch(/Input "export_file".*(symbolic link|inside the workspace)/)
    expect(await readdir(outside)).toEqual([])
    expect((await lstat(join(workspace, 'exported.yml'))).isSymbolicLink()).toBe(true)
  })

  it('a folder on the path that links outside the workspace: refused, and nothing is written there', async ({ onTestFinished }) => {
    const step = await emulatedStep(onTestFinished, KEY, { trunks: ['trunk-1'] })
    const workspace = await mkdtemp(join(tmpdir(), 'export-ws-'))
    const outside = await mkdtemp(join(tmpdir(), 'export-outside-'))
    await mkdir(join(workspace, 'real'))
    await symlink(outside, join(workspace, 'real', 'd'))
    for (const file of ['real/d/x.yml', 'real/d/new/x.yml']) {
      const run = await exportTo(step, workspace, { export_file: file, trunk_id: 'trunk-1' })
      expect(run.code, file).toBe(1)
      expect(failure(run)).toMatch(/Input "export_file".*(symbolic link|inside the workspace)/)
    }
    expect(await readdir(outside)).toEqual([])
  })

  it('writes a new file through a temporary one in the same folder, leaving no temporary file behind', async ({ onTestFinished }) => {
    const step = await emulatedStep(onTestFinished, KEY, { trunks: ['trunk-1'] })
    step.emulator.seed('trunk-1', { phone_number: '919876543210', name: 'Desk' })
    const workspace = await mkdtemp(join(tmpdir(), 'export-ws-'))
    await mkdir(join(workspace, 'out'))
    await writeFile(join(workspace, 'out', 'n.yml'), 'old\n')
    const before = await lstat(join(workspace, 'out', 'n.yml'))
    const run = await exportTo(step, workspace, { export_file: 'out/n.yml', trunk_id: 'trunk-1' })
    expect(run.code, failure(run)).toBe(0)
    // Renamed into place: a new file (inode), not the old one written over.
    expect((await lstat(join(workspace, 'out', 'n.yml'))).ino).not.toBe(before.ino)
    expect(await readdir(join(workspace, 'out'))).toEqual(['n.yml'])
    await replan(step, workspace, 'out/n.yml')
  })
})

describe('export writes only what applies again', () => {
  it('names the file rules refuse are left out with a comment; the rest of the number is kept; re-planning changes nothing', async ({ onTestFinished }) => {
    const step = await emulatedStep(onTestFinished, KEY, { trunks: ['trunk-1'] })
    const names = ['tab\there', 'new\nline', 'nul\u0000', 'del\u007f', 'esc\u001b[31m', 'lone \ud800', 'x'.repeat(256), 'fine name']
    for (const [i, name] of names.entries()) step.emulator.seed('trunk-1', { phone_number: `9198765432${10 + i}`, name, agent_id: `agent-${i}` })
    const workspace = await mkdtemp(join(tmpdir(), 'export-ws-'))
    const run = await exportTo(step, workspace, { export_file: 'n.yml', trunk_id: 'trunk-1' })
    expect(run.code, failure(run)).toBe(0)
    expect(run.outputs.exported).toBe(String(names.length))
    const text = await readFile(join(workspace, 'n.yml'), 'utf8')
    expect(text.match(/# the name of "\d+" is left out: it must be one line with no control characters/g)).toHaveLength(6)
    expect(text).toMatch(/# the name of "919876543216" is left out: it must be at most 255 characters/)
    expect(text).toContain('        name: "fine name"\n')
    expect(text.match(/agent_id: "agent-\d"/g)).toHaveLength(names.length)
    await replan(step, workspace, 'n.yml')
  })

  it('agent ids the rules refuse are left out; /trunk numbers whose destination key is refused are left out whole', async ({ onTestFinished }) => {
    const step = await emulatedStep(onTestFinished, KEY, { trunks: ['trunk-1'], newTrunks: [NEW] })
    const agents = ['..', 'a\nb', 'x'.repeat(201)]
    for (const [i, agent] of agents.entries()) step.emulator.seed('trunk-1', { phone_number: `9198765432${20 + i}`, name: 'Desk', agent_id: agent })
    for (const [i, key] of ['has space', 'k'.repeat(65), 'tab\tkey'].entries()) step.emulator.seed(NEW, { e164: `+4420794609${50 + i}`, destination_key: key })
    step.emulator.seed(NEW, { e164: '+442079460999', destination_key: '02079460999' })
    const workspace = await mkdtemp(join(tmpdir(), 'export-ws-'))
    const legacy = await exportTo(step, workspace, { export_file: 'legacy.yml', trunk_id: 'trunk-1' })
    expect(legacy.code, failure(legacy)).toBe(0)
    const legacyText = await readFile(join(workspace, 'legacy.yml'), 'utf8')
    expect(legacyText.match(/# the agent_id of "\d+" is left out: it (cannot be "\." or "\.\."|must be one line|must be at most 200)/g)).toHaveLength(3)
    expect(legacyText.match(/name: "Desk"/g)).toHaveLength(3)
    await replan(step, workspace, 'legacy.yml')

    const fresh = await exportTo(step, workspace, { export_file: 'new.yml', trunk_api: 'trunk', trunk_id: NEW })
    expect(fresh.code, failure(fresh)).toBe(0)
    expect(fresh.outputs.exported).toBe('1')
    const freshText = await readFile(join(workspace, 'new.yml'), 'utf8')
    expect(
      freshText.match(/# "\+4420794609\d\d" \(id "[^"]+"\) is left out: its destination_key .* (must have no spaces|must be at most 64|must be one line)/g)
    ).toHaveLength(3)
    await replan(step, workspace, 'new.yml', 'trunk')
  })

  it('one bad trunk never stops the others: ids the rules refuse are left out (a warning); one that cannot be read fails the step, after the rest are written', async ({
    onTestFinished
  }) => {
    const step = await emulatedStep(onTestFinished, KEY, { trunks: ['good-1', '.', 'bad\nid', 'good-2', 'unreadable'] })
    step.emulator.seed('good-1', { phone_number: '919876543230', name: 'One' })
    step.emulator.seed('good-2', { phone_number: '919876543231', name: 'Two' })
    step.emulator.injectFault({ kind: 'status', status: 500, method: 'GET', path: /^\/sip-trunks\/trunks\/unreadable(\?|$)/, times: Infinity })
    const workspace = await mkdtemp(join(tmpdir(), 'export-ws-'))
    const run = await exportTo(step, workspace, { export_file: 'all.yml', max_retries: '0' })
    expect(run.code, failure(run)).toBe(1)
    expect(failure(run)).toMatch(
      /Exported the other trunks; these could not be read:%0A {2}trunk "unreadable": GET \/sip-trunks\/trunks\/unreadable failed with 500/
    )
    expect(run.outputs.exported).toBe('2')
    expect(run.outputs.warnings).toBe('2')
    const warned = annotations(run, 'warning').join('\n')
    expect(warned).toContain('Trunk "." is left out of the export: its id cannot be "." or ".."')
    expect(warned).toContain('Trunk "bad\\nid" is left out of the export: its id must be one line')
    const text = await readFile(join(workspace, 'all.yml'), 'utf8')
    expect(text).toContain('# trunk "." is left out: its id cannot be "." or ".."')
    expect(text).toMatch(/# trunk "unreadable" is left out: it could not be read: GET \/sip-trunks\/trunks\/unreadable failed with 500/)
    expect(text).toContain('trunk_id: "good-1"')
    expect(text).toContain('trunk_id: "good-2"')
    await replan(step, workspace, 'all.yml')
  })
})
