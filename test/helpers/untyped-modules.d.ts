// Test-only packages that ship no types: only what the tests use is declared.
declare module 'parse-prometheus-text-format' {
  /** One sample of a family: a value (counter, gauge), or buckets, count and sum (histogram). */
  export interface PrometheusSample {
    value?: string
    labels?: Record<string, string>
    buckets?: Record<string, string>
    count?: string
    sum?: string
  }
  export interface PrometheusFamily { name: string, help: string, type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED', metrics: PrometheusSample[] }
  export default function parsePrometheusTextFormat (text: string): PrometheusFamily[]
}
