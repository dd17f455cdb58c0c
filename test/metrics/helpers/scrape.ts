// GET /metrics as a Prometheus server reads it: the text parsed by a Prometheus text-format
// parser (not by our own code), and the values of one metric's samples picked by label.
import type { FastifyInstance } from 'fastify'
import parsePrometheusTextFormat, { type PrometheusFamily, type PrometheusSample } from 'parse-prometheus-text-format'

export const METRICS_TOKEN = 'test-metrics-token-0123456789abcdefghijkl'
export const metricsHeaders = { authorization: `Bearer ${METRICS_TOKEN}` }

export interface Scrape {
  families: PrometheusFamily[]
  text: string
  /** A counter's or gauge's value in the sample whose labels include `labels`; 0 when there is none (a counter not yet counted). */
  value (name: string, labels?: Record<string, string>): number
  /** How many observations a histogram holds in the sample whose labels include `labels`; 0 when none. */
  count (name: string, labels?: Record<string, string>): number
  /** The samples of a family; throws when the family is missing, so a renamed metric fails loudly. */
  samples (name: string): PrometheusSample[]
}

export async function scrape (app: FastifyInstance, headers: Record<string, string> = metricsHeaders): Promise<Scrape> {
  const res = await app.inject({ method: 'GET', url: '/metrics', headers })
  if (res.statusCode !== 200) throw new Error(`GET /metrics: ${res.statusCode} ${res.body}`)
  const families = parsePrometheusTextFormat(res.body)
  const samples = (name: string): PrometheusSample[] => {
    const family = families.find((f) => f.name === name)
    if (!family) throw new Error(`no metric ${name} in the scrape`)
    return family.metrics
  }
  // The parser folds a histogram's samples into one, whatever their labels, and keeps only
  // an unlabelled histogram's count. Read without their TYPE lines, a histogram's series
  // (`_bucket`, `_sum`, `_count`) are plain samples with their labels, which it keeps apart.
  const series = parsePrometheusTextFormat(res.body.split('\n').filter((line) => !/^# TYPE \S+ histogram$/.test(line)).join('\n'))
  const matching = (list: PrometheusSample[], labels: Record<string, string>): PrometheusSample | undefined =>
    list.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v))
  return {
    families,
    text: res.body,
    value: (name, labels = {}) => Number(matching(samples(name), labels)?.value ?? 0),
    count (name, labels = {}) {
      samples(name) // throws when the histogram is missing altogether
      return Number(matching(series.filter((f) => f.name === `${name}_count`).flatMap((f) => f.metrics), labels)?.value ?? 0)
    },
    samples
  }
}
