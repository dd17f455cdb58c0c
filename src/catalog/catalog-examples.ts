/** Examples for openapi.yaml: an excerpt of attribute-catalog/socialtjanst/1.0.0.yaml. */
export const handlaggareExample = {
  id: 'socialtjanst.eb.handlaggare',
  label: { sv: 'Handläggare, ekonomiskt bistånd', en: 'Caseworker, financial assistance' },
  definition: {
    sv: 'Utreder ansökningar om ekonomiskt bistånd och bereder eller fattar beslut i sådana ärenden enligt nämndens delegationsordning.',
    en: 'Investigates applications for financial assistance and prepares or makes decisions on them under the committee\'s delegation order.'
  },
  area: 'eb',
  function: 'handlaggare',
  authority_exercise: true,
  scope: 'unit',
  legal_basis: [{ act: 'Socialtjänstlag', sfs: '2025:400', in_force_from: '2025-07-01' }, { act: 'Kommunallag', sfs: '2017:725', section: '6 kap. 33–37 §§' }],
  consumers: [{ agency: 'Försäkringskassan', service: 'SSBTEK' }],
  status: 'active',
  external: { entitlement: 'urn:behorig:entitlement:socialtjanst.eb.handlaggare' }
}

export const catalogVersionExample = {
  domain: 'socialtjanst',
  version: '1.0.0',
  title: { sv: 'Attributkatalog för socialtjänsten', en: 'Attribute catalog for social services' },
  description: { sv: 'Behörighetsattribut för personal i kommunernas socialtjänst.', en: 'Authorization attributes for staff of municipal social services.' },
  areas: [{ code: 'eb', label: { sv: 'Ekonomiskt bistånd', en: 'Financial assistance' } }],
  functions: [{ code: 'handlaggare', label: { sv: 'Handläggare (socialsekreterare, utredare)', en: 'Caseworker (social worker, investigator)' } }],
  attributes: [handlaggareExample]
}
