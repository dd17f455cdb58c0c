import { randomBytes } from 'node:crypto'

/** Time-ordered run ids (`run_<time><random>`): sorting by id sorts by creation, which list cursors rely on. */
export function newRunId (now = Date.now()): string {
  return 'run_' + now.toString(36).padStart(9, '0') + randomBytes(6).toString('base64url').replace(/[-_]/g, 'x')
}
