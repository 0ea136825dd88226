// Delivery URLs must name a public https host, in whatever notation the address is written: the table
// runs inside workerd, so the URL parser is the one the edge uses.
import { describe, expect, it } from "vitest";
import { publicUrlProblem } from "../../batch/outbound/public-url";

describe("publicUrlProblem", () => {
	it.each([
		"https://partner.example/inbound",
		"https://s3.eu-west-1.amazonaws.com",
		"https://bucket.r2.cloudflarestorage.com/path?x=1",
		"https://partner.example:8443/in",
		"https://xn--bcher-kva.example/", // IDN
		"https://93.184.215.14/upload", // a public IPv4 address
		"https://[2606:4700:4700::1111]/upload", // a public IPv6 address
		"https://partner.example./in", // a fully qualified name with its root dot
	])("accepts %s", (url) => {
		expect(publicUrlProblem(url)).toBeNull();
	});

	it.each([
		// scheme, user info, junk
		["http://partner.example/", /https/],
		["ftp://partner.example/", /https/],
		["not a url", /absolute/],
		["https://user:pass@partner.example/", /user info/],
		["https://user@partner.example/", /user info/],
		["https://@partner.example/", /user info/],
		["https://:@partner.example/", /user info/],
		[`https://partner.example/${"a".repeat(2100)}`, /at most 2048/],
		// loopback in every IPv4 notation
		["https://127.0.0.1/", /loopback/],
		["https://127.1/", /loopback/],
		["https://2130706433/", /loopback/],
		["https://0177.0.0.1/", /loopback/],
		["https://0x7f.1/", /loopback/],
		["https://0x7f000001/", /loopback/],
		["https://127.0.0.1./", /loopback/],
		["https://１２７.０.０.１/", /loopback/], // full-width digits
		// private, link-local (cloud metadata), CGNAT, unspecified, multicast, broadcast, reserved
		["https://10.0.0.1/", /private/],
		["https://172.16.5.4/", /private/],
		["https://192.168.1.1/", /private/],
		["https://0xc0a80101/", /private/],
		["https://169.254.169.254/latest/meta-data/", /linkLocal/],
		["https://2852039166/", /linkLocal/], // 169.254.169.254 as one number
		["https://100.64.0.1/", /carrierGradeNat/],
		["https://100.100.100.200/", /carrierGradeNat/], // Alibaba Cloud metadata
		["https://0.0.0.0/", /unspecified/],
		["https://0/", /unspecified/],
		["https://224.0.0.1/", /multicast/],
		["https://255.255.255.255/", /broadcast/],
		["https://192.0.0.192/", /reserved/], // Oracle Cloud metadata
		["https://198.18.0.1/", /reserved/],
		// IPv6
		["https://[::1]/", /loopback/],
		["https://[0:0:0:0:0:0:0:1]/", /loopback/],
		["https://[::]/", /unspecified/],
		["https://[::ffff:127.0.0.1]/", /ipv4Mapped/],
		["https://[::ffff:7f00:1]/", /ipv4Mapped/],
		["https://[::ffff:169.254.169.254]/", /ipv4Mapped/],
		["https://[::127.0.0.1]/", /not global unicast/], // IPv4-compatible
		["https://[64:ff9b::7f00:1]/", /rfc6052/], // NAT64 of 127.0.0.1
		["https://[2002:7f00:1::]/", /6to4/],
		["https://[fd00::1]/", /uniqueLocal/],
		["https://[fd00:ec2::254]/", /uniqueLocal/], // AWS metadata over IPv6
		["https://[fc00::1]/", /uniqueLocal/],
		["https://[fe80::1]/", /linkLocal/],
		["https://[febf::1]/", /linkLocal/],
		["https://[fec0::1]/", /deprecatedSiteLocal/],
		["https://[ff02::1]/", /multicast/],
		["https://[2001:db8::1]/", /reserved/],
		// names
		["https://localhost/", /single label/],
		["https://LOCALHOST./", /single label/],
		["https://admin.localhost/", /local or internal/],
		["https://intranet/", /single label/],
		["https://metadata/", /single label/],
		["https://metadata.google.internal/computeMetadata/v1/", /local or internal/],
		["https://metadata.goog/", /metadata/],
		["https://printer.local/", /local or internal/],
		["https://router.home.arpa/", /local or internal/],
		["https://db.corp/", /local or internal/],
	])("refuses %s", (url, reason) => {
		expect(publicUrlProblem(url)).toMatch(reason);
	});
});
