-- Output templates in AAM's outbound macro language (batch/outbound/template/). Destinations saved
-- before keep the TAB-separated layout they had (ID, TAB, segments, and TAB, removed segments when any);
-- new ones default to AAM's default contents (space-separated), set by the admin API.
ALTER TABLE destinations ADD COLUMN template TEXT NOT NULL
	DEFAULT '<DP_UUID><TAB><SEGMENT_LIST; separator=","><if(REMOVED_SEGMENT_LIST)><TAB><REMOVED_SEGMENT_LIST; separator=","><endif>';
-- Header lines written at the top of every data file; NULL = none.
ALTER TABLE destinations ADD COLUMN header TEXT;
