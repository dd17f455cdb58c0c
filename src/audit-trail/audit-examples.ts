import { activeJwkExample } from '../keys/key-examples.js'

/** Examples for openapi.yaml: an attribute token issued to Försäkringskassan about Anna Svensson. */
const annaId = '5b0c7f1e-2a43-4d8e-9b61-0f3e2c7a9d15'

export const auditEventListExample = {
  items: [{
    chain: '2129999997',
    seq: 1843,
    at: '2026-03-02T10:12:31.402Z',
    organisation: '2129999997',
    action: 'attribute-token.issued',
    actor: { kind: 'relying-party', client_id: 'fk-ssbtek' },
    person_id: annaId,
    client_id: 'fk-ssbtek',
    details: { jti: '0f8e7d6c-5b4a-4392-8a1b-0c9d8e7f6a5b', attributes: [{ id: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-norr' }], catalog: { domain: 'socialtjanst', version: '1.0.0' } },
    prev_hash: '8c1f0a4e2b7d93c6e5f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7',
    hash: '3e9b7c1d5f2a8e4c6b0d9f1a3c5e7b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e'
  }],
  next_cursor: 'MTg0Mw'
}

export const platformEventListExample = {
  items: [{
    chain: 'platform',
    seq: 212,
    at: '2026-02-15T10:00:00.118Z',
    organisation: null,
    action: 'relying-party.created',
    actor: { kind: 'platform-admin' },
    person_id: null,
    client_id: 'fk-ssbtek',
    details: { name: 'Försäkringskassan, SSBTEK' },
    prev_hash: '1d3f5b7a9c2e4d6f8a0b1c3e5d7f9a2b4c6e8d0f1a3b5c7e9d2f4a6b8c0e1d3f',
    hash: '7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d2f4a6c8e0b1d3f5a7c9e2b4d6f8a0c'
  }],
  next_cursor: null
}

export const disclosureListExample = {
  items: [{
    at: '2026-03-02T10:12:31.402Z',
    relying_party: { client_id: 'fk-ssbtek', name: 'Försäkringskassan, SSBTEK' },
    attributes: [{ id: 'socialtjanst.eb.handlaggare', unit: 'soc-eb-norr' }],
    jti: '0f8e7d6c-5b4a-4392-8a1b-0c9d8e7f6a5b',
    expires_at: '2026-03-02T10:17:31.000Z',
    catalog: { domain: 'socialtjanst', version: '1.0.0' }
  }],
  next_cursor: null
}

export const verificationExample = {
  organisation: '2129999997',
  chain: '2129999997',
  events: 1843,
  ok: true,
  head: { seq: 1843, hash: '3e9b7c1d5f2a8e4c6b0d9f1a3c5e7b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e' },
  checkpoint: { id: 96, seq: 1840 }
}

export const checkpointListExample = {
  items: [{
    id: 96,
    created_at: '2026-03-02T10:00:00.004Z',
    checkpoint: 'eyJhbGciOiJFUzI1NiIsImtpZCI6InNqd211ekNuSU90OTJRTnZsOWVJSVZIX1NPWVUwZTNfWmZPSi1qNHNNbmMiLCJ0eXAiOiJhdWRpdC1jaGVja3BvaW50K2p3dCJ9.eyJpc3MiOiJodHRwczovL2JlaG9yaWcuZXhhbXBsZS5zZSJ9.c2lnbmF0dXJl',
    chains: [{ chain: '2129999997', seq: 1840, hash: '9f1a3c5e7b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b2d4f6a' }, { chain: 'platform', seq: 212, hash: '7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d2f4a6c8e0b1d3f5a7c9e2b4d6f8a0c' }],
    public_jwk: activeJwkExample
  }],
  next_cursor: null
}
