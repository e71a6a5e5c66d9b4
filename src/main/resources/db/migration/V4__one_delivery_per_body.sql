-- A body is recorded once per event, enforced by the database: two new delivery ids with the same body, recorded at
-- the same moment by two transactions (PostgreSQL records each request in its own), could both be queued when only
-- a lookup guarded it. A delivery that needs no job has no hash (null: never equal to another). Each statement may
-- run twice: on H2 each commits at once, and a process killed midway runs the whole migration again at its next start.
alter table grove_delivery alter column body_sha256 drop not null;
update grove_delivery set body_sha256 = null where body_sha256 = '';
-- copies recorded before this index keep their rows; only the first of each stays the one a replay is judged by
update grove_delivery set body_sha256 = null where exists (select 1 from grove_delivery o
  where o.body_sha256 = grove_delivery.body_sha256 and o.event = grove_delivery.event
  and o.delivery_id < grove_delivery.delivery_id);
drop index if exists grove_delivery_sha_idx;
create unique index if not exists grove_delivery_body_idx on grove_delivery (body_sha256, event);
