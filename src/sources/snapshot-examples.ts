/** Examples for openapi.yaml: Exempelkommun's HR snapshot. */
export const csvSnapshotExample = [
  'employee_number;given_name;family_name;email;unit_id;unit_name;parent_unit_id;unit_kind;position_code;title;employment_type;start_date;end_date;extent',
  ';;;;soc-eb;Ekonomiskt bistånd;;avdelning;;;;;;',
  '100234;Anna;Svensson;anna.svensson@exempelkommun.se;soc-eb-norr;Ekonomiskt bistånd norr;soc-eb;enhet;151010;Socialsekreterare;tillsvidare;2021-03-01;;100',
  '100457;Örjan;Bäckström;orjan.backstrom@exempelkommun.se;soc-eb-norr;Ekonomiskt bistånd norr;soc-eb;enhet;151020;Förste socialsekreterare;vikariat;2026-01-01;2026-06-30;75',
  ''
].join('\n')

export const jsonSnapshotExample = {
  units: [
    { id: 'soc-eb', name: 'Ekonomiskt bistånd', parent_id: null, kind: 'avdelning', hsa_id: null },
    { id: 'soc-eb-norr', name: 'Ekonomiskt bistånd norr', parent_id: 'soc-eb', kind: 'enhet', hsa_id: null }
  ],
  employments: [
    { employment_id: 'E-1001', employee_number: '100234', given_name: 'Anna', family_name: 'Svensson', email: 'anna.svensson@exempelkommun.se', unit_id: 'soc-eb-norr', position_code: '151010', title: 'Socialsekreterare', employment_type: 'tillsvidare', start_date: '2021-03-01', end_date: null, extent: 100 }
  ]
}
