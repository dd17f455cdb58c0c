import { Type } from 'typebox'

/** The states a source's sync run passes through (the sync capability moves it along). */
export const RUN_STATES = ['queued', 'running', 'succeeded', 'failed', 'awaiting-approval', 'rejected'] as const
export type RunState = typeof RUN_STATES[number]

/** The answer to a request that queued a run of a source: an upload, or a pull started now. */
export const RunAccepted = Type.Object({
  run_id: Type.String(),
  state: Type.Enum(RUN_STATES, { description: 'queued when accepted.' })
})

export const runAcceptedExample = { run_id: 'run_8fK2mQ4xZ1pT', state: 'queued' }
