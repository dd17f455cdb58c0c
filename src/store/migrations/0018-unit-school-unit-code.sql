-- Units carry a skolenhetskod (school_unit_code) where the HR source gives one: the 8-digit
-- code Skolverket's Skolenhetsregistret gives a school unit, which school e-services know
-- the unit by, as health-care ones know it by its HSA-id. Checked when the snapshot is read,
-- as the HSA-id is, so no constraint here. The units table's tenant row-level security
-- (0004) covers the new column.
alter table units add column school_unit_code text;
alter table staged_units add column school_unit_code text;
