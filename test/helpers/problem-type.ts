import { testConfig } from './app.js'

/**
 * A problem type URI as the service renders it: `<issuer>/problems/<slug>`, under the
 * issuer of an app built by buildTestApp unless the test built its app with another.
 */
export function problemType (slug: string, issuer: string = testConfig().issuer): string {
  return `${issuer}/problems/${slug}`
}
