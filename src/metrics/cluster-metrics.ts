import cluster from 'node:cluster'
import { AggregatorRegistry, type Registry } from 'prom-client'

const ASK = 'behorig:metrics-ask'
const ANSWER = 'behorig:metrics-answer'
/** How long an API process waits for the supervisor's aggregate before the scrape fails. */
const ANSWER_WITHIN_MS = 10_000

interface Ask { type: typeof ASK, id: number }
interface Answer { type: typeof ANSWER, id: number, text?: string, error?: string }

/**
 * The supervisor of several API processes (BEHORIG_PROCESSES > 1): a scrape reaches one of
 * them, which asks here; this gathers every process's own counters and histograms over
 * IPC (prom-client's AggregatorRegistry: counters and histograms summed) and answers.
 */
export function aggregateClusterMetrics (): void {
  const aggregator = new AggregatorRegistry()
  cluster.on('message', (worker, message: Partial<Ask> | null) => {
    if (message?.type !== ASK || typeof message.id !== 'number') return
    const id = message.id
    aggregator.clusterMetrics().then(
      (text) => { worker.send({ type: ANSWER, id, text } satisfies Answer) },
      (err: unknown) => { worker.send({ type: ANSWER, id, error: err instanceof Error ? err.message : String(err) } satisfies Answer) }
    )
  })
}

/**
 * An API process under a supervisor: offers `registry` (its own counters and histograms)
 * for the supervisor's aggregate, and renders a scrape as that aggregate, so a scrape shows
 * the whole deployment whichever process it reached.
 */
export function clusteredMetrics (registry: Registry): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry])
  // Constructed in a worker, it answers the supervisor's requests for this registry.
  void new AggregatorRegistry()
  let next = 0
  const waiting = new Map<number, (answer: Answer) => void>()
  process.on('message', (message: Partial<Answer> | null) => {
    if (message?.type !== ANSWER || typeof message.id !== 'number') return
    waiting.get(message.id)?.(message as Answer)
    waiting.delete(message.id)
  })
  return () => new Promise((resolve, reject) => {
    const id = next++
    const timer = setTimeout(() => { waiting.delete(id); reject(new Error('the supervisor did not answer with the processes\' metrics')) }, ANSWER_WITHIN_MS)
    waiting.set(id, (answer) => {
      clearTimeout(timer)
      if (answer.text !== undefined) resolve(answer.text)
      else reject(new Error(answer.error ?? 'no metrics'))
    })
    process.send?.({ type: ASK, id } satisfies Ask)
  })
}

/** Whether this process is one of several under a supervisor. */
export const underSupervisor = (): boolean => cluster.isWorker
