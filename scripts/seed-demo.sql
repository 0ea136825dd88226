-- The demo partner for `npm start`: its sync URL is the in-edge demo vendor (worker/demo/vendor/routes.ts), with
-- every consent macro a vendor's sync URL carries (SPEC §4): TCF, US privacy and GPP, as AAM and Prebid pass them.
INSERT INTO partners (dpid, name, sync_url, redirect_hosts, resync_days, created_at, updated_at)
VALUES (
	1000,
	'Demo Vendor',
	'/demo-vendor/sync?uid=${DD_UUID}&gdpr=${GDPR}&gdpr_consent=${GDPR_CONSENT_1000}&us_privacy=${US_PRIVACY}&gpp=${GPP}&gpp_sid=${GPP_SID}',
	'["localhost","127.0.0.1"]',
	7,
	unixepoch() * 1000,
	unixepoch() * 1000
)
-- A local state seeded before the GPP and US privacy macros gets them; a sync URL changed by hand is kept.
ON CONFLICT (dpid) DO UPDATE SET sync_url = excluded.sync_url, updated_at = excluded.updated_at
WHERE partners.sync_url = '/demo-vendor/sync?uid=${DD_UUID}&gdpr=${GDPR}&gdpr_consent=${GDPR_CONSENT_1000}';

-- A trait, a segment and an hourly iter destination for the demo partner, so `npm start` can show an
-- outbound run: put traits on a visitor with an inbound file, then POST /api/v1/destinations/1/runs.
INSERT INTO traits (id, dpid, name, rule, created_at, updated_at)
VALUES (1, 1000, 'Demo interest', NULL, unixepoch() * 1000, unixepoch() * 1000),
	(2, 1000, 'Demo campaign ic=52', 'ic == "52"', unixepoch() * 1000, unixepoch() * 1000)
ON CONFLICT (id) DO NOTHING;
INSERT INTO segments (id, name, rule, created_at, updated_at)
VALUES (10, 'Demo audience', 'T1 OR T2', unixepoch() * 1000, unixepoch() * 1000)
ON CONFLICT (id) DO NOTHING;
INSERT INTO destinations (id, dpid, name, segments, mode, schedule, gzip, split_lines, targets, created_at, updated_at)
VALUES (1, 1000, 'Demo Vendor audiences', '[10]', 'iter', '0 * * * *', 1, 1000000, '{}', unixepoch() * 1000, unixepoch() * 1000)
ON CONFLICT (id) DO NOTHING;
