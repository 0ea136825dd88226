-- Receipts carry AAM's labels exactly, in the order of AAM's inbound receipt message, then edgesync's
-- additions (SPEC §5). Receipts stored before are rewritten here, so D1, the API and the dashboard serve
-- one shape; their R2 copies (<DPID>/receipts/) keep the labels they were written with. json_patch onto
-- an empty object keeps the order given and drops the optional keys a receipt does not have (NULL).
-- Failure records ({Delivery, Status, Reason}) have no counts and stay as they are.
UPDATE inbound_deliveries SET receipt = json_patch('{}', json_object(
	'File name', receipt -> '$."File name(s)"',
	'Records received', receipt -> '$."Records received"',
	'Format Errors', receipt -> '$."Format errors"',
	'Invalid AAM ID', receipt -> '$."Invalid IDs"',
	'No Matching AAM ID', receipt -> '$."No matching ID"',
	'No Trait Realized', receipt -> '$."No trait realized"',
	'Records processed', receipt -> '$."Records processed"',
	'Stored Records', receipt -> '$."Stored records"',
	'Total devices', receipt -> '$."Total devices"',
	'Total signals', receipt -> '$."Total signals"',
	'Total unused signals', receipt -> '$."Total unused signals"',
	'Total realized traits', receipt -> '$."Total realized traits"',
	'Total removed traits', receipt -> '$."Total removed traits"',
	'Total traits failed validation', receipt -> '$."Total traits failed validation"',
	'Total users that have traits which failed validation', receipt -> '$."Users with traits that failed validation"',
	'Job start time', receipt -> '$."Job start time"',
	'Job end time', receipt -> '$."Job end time"',
	'Delivery', receipt -> '$.Delivery',
	'Status', receipt -> '$.Status',
	'Signals over the per-line cap', receipt -> '$."Signals over the per-line cap"',
	'Files cut at the size cap', receipt -> '$."Files cut at the size cap"',
	'Sample lines', receipt -> '$."Sample lines"',
	'Late part of', receipt -> '$."Late part of"',
	'Reason', receipt -> '$.Reason'
))
WHERE receipt IS NOT NULL AND json_type(receipt, '$."Stored records"') IS NOT NULL;
