import { realpath } from 'node:fs/promises'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { quote } from './text.js'

/** A file an input names: its path, and its name as GitHub shows it (annotations, the PR comment's marker). */
export interface WorkspaceFile {
  path: string
  shownAs: string
}

/** A path from an input, which must be inside the workspace, also once symlinks are followed. */
export async function inWorkspace(file: string, input: 'numbers_file' | 'export_file'): Promise<WorkspaceFile> {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
  const path = resolve(workspace, file)
  const outside = (from: string, to: string) => {
    const rel = relative(from, to)
    return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)
  }
  const real = (p: string) => realpath(p).catch(() => p)
  if (outside(workspace, path) || outside(await real(workspace), await real(path))) {
    throw new Error(`Input "${input}" must be a path inside the workspace (got ${quote(file)}).`)
  }
  // As GitHub names files: with "/" on Windows too.
  return { path, shownAs: relative(workspace, path).split(sep).join('/') }
}
