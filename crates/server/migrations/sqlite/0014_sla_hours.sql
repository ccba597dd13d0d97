-- R31: when the SLA's clock runs, as JSON: {"mode":"always"} or business hours
-- ({"mode":"business","time_zone":…,"spans":[…]}), checked by the rules crate.
ALTER TABLE sla_policies ADD COLUMN hours TEXT NOT NULL DEFAULT '{"mode":"always"}';
