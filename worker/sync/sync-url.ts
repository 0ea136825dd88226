/** Values the macros of a partner sync URL template expand to (SPEC §4). */
export interface SyncUrlValues {
	uuid: string;
	gdpr: string;
	gdprConsent: string;
	usPrivacy: string;
	gpp: string;
	gppSid: string;
	/** "http" or "https": the scheme the page talked to the edge with. */
	proto: string;
	/** Base for edge-relative templates (a template starting with "/"). */
	edgeOrigin: string;
	now: number;
	random: () => number;
}

const MACRO = /\$\{(DD_UUID|GDPR|GDPR_CONSENT(?:_\d+)?|US_PRIVACY|GPP|GPP_SID)\}|%(rnd|timestamp|http_proto)%/g;

/** Expands every macro (URL-encoded) and resolves edge-relative templates; null if the result is no http(s) URL. */
export function expandSyncUrl(template: string, v: SyncUrlValues): string | null {
	const expanded = template.replace(MACRO, (_match, name: string | undefined, plain: string | undefined) =>
		encodeURIComponent(macroValue(name ?? plain ?? "", v)),
	);
	try {
		const url = new URL(expanded, v.edgeOrigin);
		return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
	} catch {
		return null;
	}
}

function macroValue(name: string, v: SyncUrlValues): string {
	if (name.startsWith("GDPR_CONSENT")) return v.gdprConsent; // one TC string serves every vendor id
	switch (name) {
		case "DD_UUID":
			return v.uuid;
		case "GDPR":
			return v.gdpr;
		case "US_PRIVACY":
			return v.usPrivacy;
		case "GPP":
			return v.gpp;
		case "GPP_SID":
			return v.gppSid;
		case "rnd":
			return String(Math.floor(v.random() * 1e12));
		case "timestamp":
			return String(v.now);
		default:
			return v.proto;
	}
}
