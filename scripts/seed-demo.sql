-- The demo partner for `npm start`: its sync URL is the in-edge demo vendor (worker/demo/vendor.ts).
INSERT INTO partners (dpid, name, sync_url, redirect_hosts, resync_days, created_at, updated_at)
VALUES (
	1000,
	'Demo Vendor',
	'/demo-vendor/sync?uid=${DD_UUID}&gdpr=${GDPR}&gdpr_consent=${GDPR_CONSENT_1000}',
	'["localhost","127.0.0.1"]',
	7,
	unixepoch() * 1000,
	unixepoch() * 1000
)
ON CONFLICT (dpid) DO NOTHING;
