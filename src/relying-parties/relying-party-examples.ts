import { agencyJwkExample } from '../keys/key-examples.js'

/** Examples for openapi.yaml: Försäkringskassan's client for SSBTEK. */
export const relyingPartyDocumentExample = {
  name: 'Försäkringskassan, SSBTEK',
  organisation: '2021005521',
  jwks: { keys: [agencyJwkExample] },
  release: { attributes: ['socialtjanst.eb.handlaggare'], domains: [], organisations: 'all', subject: 'pairwise' },
  token_lifetime: 300,
  claims_profile: 'sweden'
}

export const relyingPartyViewExample = {
  client_id: 'fk-ssbtek',
  ...relyingPartyDocumentExample,
  disabled: false,
  created_at: '2026-02-15T10:00:00.000Z',
  updated_at: '2026-02-15T10:00:00.000Z'
}
