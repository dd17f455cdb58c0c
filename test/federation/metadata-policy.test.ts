import t from 'tap'
import { applyPolicy, combinePolicies, MetadataPolicyError, overrideMetadata } from '../../src/federation/metadata-policy.js'

const rp = (parameters: Record<string, unknown>) => ({ openid_relying_party: parameters })
const apply = (parameter: string, operators: Record<string, unknown>, value: unknown) =>
  applyPolicy(rp({ [parameter]: operators }) as never, rp(value === undefined ? {} : { [parameter]: value }) as never).openid_relying_party

t.test('value sets the parameter, and null removes it', async (t) => {
  t.same(apply('subject_type', { value: 'pairwise' }, 'public'), { subject_type: 'pairwise' })
  t.same(apply('subject_type', { value: 'pairwise' }, undefined), { subject_type: 'pairwise' })
  t.same(apply('contacts', { value: null }, ['a@example.org']), {})
})

t.test('add adds to the values there are, or sets them', async (t) => {
  t.same(apply('contacts', { add: ['helpdesk@federation.example.org'] }, ['rp_admins@rp.example.org']), { contacts: ['rp_admins@rp.example.org', 'helpdesk@federation.example.org'] })
  t.same(apply('contacts', { add: ['helpdesk@federation.example.org'] }, undefined), { contacts: ['helpdesk@federation.example.org'] })
  t.same(apply('contacts', { add: ['a@x.org'] }, ['a@x.org']), { contacts: ['a@x.org'] }, 'a value is not added twice')
})

t.test('default sets a missing parameter only', async (t) => {
  t.same(apply('grant_types', { default: ['authorization_code'] }, undefined), { grant_types: ['authorization_code'] })
  t.same(apply('grant_types', { default: ['authorization_code'] }, ['refresh_token']), { grant_types: ['refresh_token'] })
})

t.test('one_of accepts a listed value and refuses any other', async (t) => {
  t.same(apply('token_endpoint_auth_signing_alg', { one_of: ['PS256', 'ES256'] }, 'ES256'), { token_endpoint_auth_signing_alg: 'ES256' })
  t.throws(() => apply('token_endpoint_auth_signing_alg', { one_of: ['PS256', 'ES256'] }, 'RS256'), MetadataPolicyError)
  t.same(apply('token_endpoint_auth_signing_alg', { one_of: ['PS256', 'ES256'] }, undefined), {}, 'an absent parameter is not checked unless essential')
})

t.test('subset_of keeps the values in the list', async (t) => {
  t.same(apply('response_types', { subset_of: ['code', 'code id_token'] }, ['code', 'code token', 'code id_token']), { response_types: ['code', 'code id_token'] })
  t.same(apply('response_types', { subset_of: ['code'] }, ['token']), { response_types: [] })
})

t.test('superset_of refuses metadata without every listed value', async (t) => {
  t.same(apply('grant_types', { superset_of: ['authorization_code'] }, ['authorization_code', 'refresh_token']), { grant_types: ['authorization_code', 'refresh_token'] })
  t.throws(() => apply('grant_types', { superset_of: ['authorization_code'] }, ['refresh_token']), MetadataPolicyError)
})

t.test('essential refuses metadata without the parameter', async (t) => {
  t.throws(() => apply('token_endpoint_auth_method', { essential: true }, undefined), /essential and missing/)
  t.same(apply('token_endpoint_auth_method', { essential: false }, undefined), {})
  t.same(apply('token_endpoint_auth_method', { one_of: ['private_key_jwt'], essential: true }, 'private_key_jwt'), { token_endpoint_auth_method: 'private_key_jwt' })
})

t.test('combining: value and default must agree, add and superset_of unite, one_of and subset_of intersect, essential stays true', async (t) => {
  t.throws(() => combinePolicies(rp({ subject_type: { value: 'pairwise' } }) as never, rp({ subject_type: { value: 'public' } }) as never), /conflict/)
  t.throws(() => combinePolicies(rp({ grant_types: { default: ['a'] } }) as never, rp({ grant_types: { default: ['b'] } }) as never), /conflict/)
  t.throws(() => combinePolicies(rp({ alg: { one_of: ['PS256'] } }) as never, rp({ alg: { one_of: ['ES256'] } }) as never), /nothing in common/)
  t.same(combinePolicies(rp({ x: { essential: true } }) as never, rp({ x: { essential: false } }) as never), rp({ x: { essential: true } }))
  t.same(combinePolicies(rp({ x: { superset_of: ['a'] } }) as never, rp({ x: { superset_of: ['b'] } }) as never), rp({ x: { superset_of: ['a', 'b'] } }))
})

t.test('operators that may not stand together are refused', async (t) => {
  t.throws(() => combinePolicies({}, rp({ x: { one_of: ['a'], subset_of: ['a'] } }) as never), /one_of cannot stand/)
  t.throws(() => combinePolicies({}, rp({ x: { value: 'b', one_of: ['a'] } }) as never), /not one of/)
  t.throws(() => combinePolicies({}, rp({ x: { subset_of: ['a'], superset_of: ['b'] } }) as never), /superset_of must be a subset/)
  t.throws(() => combinePolicies({}, rp({ x: { value: null, essential: true } }) as never), /cannot be essential/)
})

t.test('an operator that is not understood is ignored, unless metadata_policy_crit names it', async (t) => {
  t.same(combinePolicies({}, rp({ x: { regexp: '^a' } }) as never), rp({ x: { regexp: '^a' } }))
  t.throws(() => combinePolicies({}, rp({ x: { regexp: '^a' } }) as never, ['regexp']), /critical/)
})

t.test('the immediate superior\'s metadata replaces the leaf\'s values', async (t) => {
  t.same(overrideMetadata({ oauth_client: { client_name: 'A', contacts: ['a@x'] } }, { oauth_client: { client_name: 'B' } }), { oauth_client: { client_name: 'B', contacts: ['a@x'] } })
})

// OpenID Federation 1.0 §6.1.5, the policy example: a trust anchor's policy, an
// intermediate's, combined, then applied to a relying party's metadata.
t.test('the specification\'s policy example: trust anchor and intermediate policies combined and applied', async (t) => {
  const trustAnchor = rp({
    grant_types: { default: ['authorization_code'], subset_of: ['authorization_code', 'refresh_token'], superset_of: ['authorization_code'] },
    token_endpoint_auth_method: { one_of: ['private_key_jwt', 'self_signed_tls_client_auth'], essential: true },
    token_endpoint_auth_signing_alg: { one_of: ['PS256', 'ES256'] },
    subject_type: { value: 'pairwise' },
    contacts: { add: ['helpdesk@federation.example.org'] }
  })
  const intermediate = rp({
    grant_types: { subset_of: ['authorization_code'] },
    token_endpoint_auth_method: { one_of: ['self_signed_tls_client_auth'] },
    contacts: { add: ['helpdesk@org.example.org'] }
  })
  const combined = combinePolicies(trustAnchor as never, intermediate as never)
  t.same(combined, rp({
    grant_types: { default: ['authorization_code'], subset_of: ['authorization_code'], superset_of: ['authorization_code'] },
    token_endpoint_auth_method: { one_of: ['self_signed_tls_client_auth'], essential: true },
    token_endpoint_auth_signing_alg: { one_of: ['PS256', 'ES256'] },
    subject_type: { value: 'pairwise' },
    contacts: { add: ['helpdesk@federation.example.org', 'helpdesk@org.example.org'] }
  }))
  const metadata = rp({
    redirect_uris: ['https://rp.example.org/callback'],
    response_types: ['code'],
    token_endpoint_auth_method: 'self_signed_tls_client_auth',
    contacts: ['rp_admins@rp.example.org']
  })
  t.same(applyPolicy(combined, metadata as never), rp({
    redirect_uris: ['https://rp.example.org/callback'],
    response_types: ['code'],
    token_endpoint_auth_method: 'self_signed_tls_client_auth',
    contacts: ['rp_admins@rp.example.org', 'helpdesk@federation.example.org', 'helpdesk@org.example.org'],
    grant_types: ['authorization_code'],
    subject_type: 'pairwise'
  }))
  t.throws(() => applyPolicy(combined, rp({ token_endpoint_auth_method: 'private_key_jwt' }) as never), MetadataPolicyError, 'the intermediate narrowed one_of')
})
