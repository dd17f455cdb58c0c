import t from 'tap'
import * as problems from '../../src/directory/errors.js'

t.test('a directory that is down or has TLS trouble is retried (5xx); refusals of config are not (4xx)', async (t) => {
  const statuses = Object.fromEntries(Object.values(problems).map((p) => [p.slug, p.status]))
  t.same(statuses, {
    'directory-unavailable': 502,
    'directory-tls-failed': 502,
    'directory-bind-refused': 422,
    'directory-search-refused': 422
  })
})

t.test('the problems render their type URI', async (t) => {
  const error = problems.DirectoryBindRefused('refused')
  t.equal(error.definition.slug, 'directory-bind-refused')
  t.equal(error.detail, 'refused')
})
