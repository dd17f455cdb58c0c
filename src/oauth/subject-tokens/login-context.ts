import type { LoginContext } from './subject-token-verifier.js'

/**
 * The login a JWT subject token records (OIDC Core §2): `acr` when a string, `auth_time`
 * when a finite number. Anything else is as good as absent, and an absent `acr` meets no
 * relying party's `min_loa`.
 */
export function loginContextOf (claims: Record<string, unknown>): LoginContext {
  const acr = Object.hasOwn(claims, 'acr') ? claims['acr'] : undefined
  const authTime = Object.hasOwn(claims, 'auth_time') ? claims['auth_time'] : undefined
  return {
    ...(typeof acr === 'string' ? { acr } : {}),
    ...(typeof authTime === 'number' && Number.isFinite(authTime) ? { authTime } : {})
  }
}
