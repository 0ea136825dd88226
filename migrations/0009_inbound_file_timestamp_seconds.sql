-- Timestamps in seconds say so (everything else is Unix ms): the timestamp of an inbound delivery's
-- file name is Unix seconds. SQLite renames the column in the index that covers it as well.
ALTER TABLE inbound_deliveries RENAME COLUMN file_timestamp TO file_timestamp_seconds;
