-- A split part that arrives after its delivery was claimed is applied as a delivery of its own (SPEC §5:
-- never silently dropped). Its id is the delivery's id and `.<split>`; late_of names the delivery it
-- belongs to, so its receipt, the API and the dashboard can say so.
ALTER TABLE inbound_deliveries ADD COLUMN late_of TEXT;
