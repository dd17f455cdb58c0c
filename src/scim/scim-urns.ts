/** Schema and message URNs of SCIM 2.0 (RFC 7643 §8.7, RFC 7644 §3.1). */
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User'
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group'
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'
export const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType'
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema'

export const LIST_RESPONSE_MESSAGE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse'
export const PATCH_OP_MESSAGE = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
export const ERROR_MESSAGE = 'urn:ietf:params:scim:api:messages:2.0:Error'

/** RFC 7644 §3.1: requests and responses use this media type; plain application/json is also accepted. */
export const SCIM_CONTENT_TYPE = 'application/scim+json'
