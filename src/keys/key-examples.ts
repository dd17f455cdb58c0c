/** Examples for openapi.yaml: real-shaped public keys (generated for the documentation, used nowhere). */
export const activeJwkExample = { kty: 'EC', crv: 'P-256', x: 'br_-4qO0oJibGY8U800HtDfSwk0czQ1b5jVObDqaAAE', y: 'kkr-CiIk-FtxLIqt003EnRF5oGLNs0bQ6-DyONh7ZBo', kid: 'sjwmuzCnIOt92QNvl9eIIVH_SOYU0e3_ZfOJ-j4sMnc', alg: 'ES256', use: 'sig' }
export const nextJwkExample = { kty: 'EC', crv: 'P-256', x: 'lkxZjTcQDLnJ0zs3GOXuPH1MGk1X7sJvZ2dPGikzop0', y: 'AySZwl-fhpMZNtSU_D4kjhNKaSXQXzCYBzMAVLxDvp4', kid: 'EymrZP2wA98ORCufaxUV7i0JN5R4u3DxqRwO5zn2ufI', alg: 'ES256', use: 'sig' }
/** An agency's client key, as it registers it in its relying party. */
export const agencyJwkExample = { kty: 'EC', crv: 'P-256', x: 'gG3UitDHDASsPsnYdpyXLCvQnMbT20wYOxpLfjn59ds', y: 'llOh_mtXg9lDPiPsghwqE2-lk2ypzbxexBero7G0vT0', kid: 'fk-2026-01', alg: 'ES256', use: 'sig' }
