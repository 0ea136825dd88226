-- AAM's outbound file names may carry the partner's alias for the customer (PID_ALIAS), between the
-- master DPID and the sync mode: S3_1234_20914_XYZCustomer_iter_1486140844000.sync.gz. NULL = none.
ALTER TABLE destinations ADD COLUMN pid_alias TEXT;
