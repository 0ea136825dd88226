// Discovery in the partners' own prefixes: the DPID comes from the prefix, AAM's folder layout, data
// sources a file may name, late parts, and the bounds that keep one partner from stalling the others.
import { env } from "cloudflare:workers";
import PostalMime from "postal-mime";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { discoverDeliveries, partnersThisPass } from "../../batch/inbound/discover";
import { DISCOVERY_LIMITS } from "../../batch/inbound/discovery-limits";
import { judgeKnownDelivery } from "../../batch/inbound/late-parts";
import { moveDeliveryFiles } from "../../batch/inbound/move-files";
import { type InboundFileName, parseInboundFileName } from "../../batch/inbound/parse";
import type { KnownDelivery } from "../../batch/inbound/queries";
import { knownDeliveries, nextDeliveryPerSource } from "../../batch/inbound/store";
import { grantSource } from "../../core/grants/store";
import type { Partner } from "../../core/partners/partner";
import { call } from "./support/edge";
import { upload } from "./support/inbound";
import { seedPartner } from "./support/partners";

const T = 1_790_000_000;
const ADMIN = { Authorization: "Bearer test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD" };
const later = () => Date.now() + 120_000;

beforeEach(async () => {
	await seedPartner({ dpid: 1000, receiptEmails: ["vendor@partner.example"] });
	await seedPartner({ dpid: 2000 });
});

async function rows() {
	const { results } = await env.DB.prepare(
		"SELECT id, dpid, status, files, receipt ->> '$.Reason' AS reason FROM inbound_deliveries ORDER BY dpid, id",
	).all<{ id: string; dpid: number; status: string; files: string; reason: string | null }>();
	return results.map((r) => ({ ...r, files: JSON.parse(r.files) as string[] }));
}

const keysUnder = async (prefix: string, bucket: R2Bucket = env.EXCHANGE) =>
	(await bucket.list({ prefix })).objects.map((o) => o.key);

describe("the DPID comes from the prefix", () => {
	it("refuses a file in partner 2000's area that claims DPID 1000, and it takes nothing from 1000", async () => {
		await upload(`2000/inbound/ftp_dpm_1000_${T}.sync`, "p1\t1\n");
		await upload(`1000/inbound/ftp_dpm_1000_${T}.sync`, "p1\t1\n");
		const found = await discoverDeliveries(env, later());
		expect(found.added).toEqual([`ftp_dpm_1000_${T}.sync`]);
		expect(await rows()).toEqual([
			{
				id: `ftp_dpm_1000_${T}.sync`,
				dpid: 1000,
				status: "pending",
				files: [`1000/inbound/ftp_dpm_1000_${T}.sync`],
				reason: null,
			},
			{
				id: expect.stringMatching(/^ftp_dpm_1000_1790000000\.sync@\d{13}$/),
				dpid: 2000,
				status: "rejected",
				files: [`2000/inbound/ftp_dpm_1000_${T}.sync`],
				reason: "the file name claims DPID 1000; only DPID 2000's own files are accepted here (in 2000/inbound/)",
			},
		]);
		expect(await keysUnder("2000/")).toEqual([
			expect.stringMatching(/^2000\/receipts\/ftp_dpm_1000_1790000000\.sync@\d{13}\.json$/),
		]);
	});

	it("ignores the old shared inbound/ area (see POST /api/v1/exchange/migrate-layout)", async () => {
		await upload(`inbound/ftp_dpm_1000_${T}.sync`, "p1\t1\n");
		expect(await discoverDeliveries(env, later())).toEqual({ added: [], rejected: [], waiting: [], failed: [] });
		expect(await keysUnder("inbound/")).toEqual([`inbound/ftp_dpm_1000_${T}.sync`]);
	});
});

describe("AAM's S3 layout inside the partner's own inbound area", () => {
	it("accepts <folder>/date=YYYY-MM-DD/<file name> and groups the parts; folder markers are no files", async () => {
		await upload("1000/inbound/acme/", "");
		await upload("1000/inbound/acme/date=2026-11-01/", "");
		await upload(`1000/inbound/acme/date=2026-11-01/ftp_dpm_1000_${T}.sync.1`, "p1\t1\n");
		await upload(`1000/inbound/acme/date=2026-11-01/ftp_dpm_1000_${T}.sync.2.gz`, "p2\t1\n");
		expect(await discoverDeliveries(env, later())).toMatchObject({ added: [`ftp_dpm_1000_${T}.sync`], rejected: [] });
		expect((await rows())[0]?.files).toEqual([
			`1000/inbound/acme/date=2026-11-01/ftp_dpm_1000_${T}.sync.1`,
			`1000/inbound/acme/date=2026-11-01/ftp_dpm_1000_${T}.sync.2.gz`,
		]);
	});

	it.each([
		[`acme/ftp_dpm_1000_${T}.sync`],
		[`acme/date=2026-13-01/ftp_dpm_1000_${T}.sync`],
		[`a/b/date=2026-11-01/ftp_dpm_1000_${T}.sync`],
		[`../date=2026-11-01/ftp_dpm_1000_${T}.sync`],
	])("refuses %s with a receipt, reading nothing", async (path) => {
		await upload(`1000/inbound/${path}`, "p1\t1\n");
		const found = await discoverDeliveries(env, later());
		expect(found.added).toEqual([]);
		expect(await rows()).toEqual([
			{
				id: expect.stringMatching(/@\d{13}$/),
				dpid: 1000,
				status: "rejected",
				files: [`1000/inbound/${path}`],
				reason: `${path} is neither <file name> nor <partner folder>/date=YYYY-MM-DD/<file name> inside your inbound area`,
			},
		]);
		expect(await keysUnder("1000/inbound/")).toEqual([]);
		// Its receipt is readable under its id, slashes and all.
		const id = (await rows())[0]?.id ?? "";
		const res = await call(`/api/v1/inbound-files/${encodeURIComponent(id)}`, { headers: ADMIN });
		expect(await res.json()).toMatchObject({
			id,
			status: "rejected",
			receipt: { "File name": [path.split("/").at(-1)] },
		});
	});
});

describe("names from partners are shown safely", () => {
	it("turns control characters of a refused name into ? in its receipt id, reason and e-mail", async () => {
		await upload("1000/inbound/bad\r\nBcc: x@evil.example.csv", "x");
		const found = await discoverDeliveries(env, later());
		expect(found.rejected).toEqual([expect.stringMatching(/^bad\?\?Bcc: x@evil\.example\.csv@\d{13}$/)]);
		const mails = await keysUnder("mail/rejections/1000/", env.ARCHIVE);
		const mail = await PostalMime.parse((await (await env.ARCHIVE.get(mails[0] ?? ""))?.text()) ?? "");
		expect(mail.bcc).toBeUndefined();
		expect(mail.text).toMatch(
			/^bad\?\?Bcc: x@evil\.example\.csv: not a bare file name \(empty, too long, a path or control characters\)/m,
		);
	});
});

describe("data sources a delivery may name", () => {
	it("refuses a target or master that is not granted; once granted, the same names are accepted", async () => {
		await upload(`1000/inbound/ftp_dpm_1000_2000_${T}.sync`, "p1\t1\n");
		await upload(`1000/inbound/adobe_id_2000_1000_${T}.sync`, "a\tb\n");
		await upload(`1000/inbound/adobe_id_0_1000_${T}.sync`, `${"1".repeat(38)}\tb\n`);
		const first = await discoverDeliveries(env, later());
		expect(first.added).toEqual([`adobe_id_0_1000_${T}.sync`]);
		expect((await rows()).filter((r) => r.status === "rejected").map((r) => [r.id.split("@")[0], r.reason])).toEqual([
			[
				`adobe_id_2000_1000_${T}.sync`,
				"master data source 2000 is not DPID 1000's own and has not been granted to it by the operator",
			],
			[
				`ftp_dpm_1000_2000_${T}.sync`,
				"target data source 2000 is not DPID 1000's own and has not been granted to it by the operator",
			],
		]);
		expect(await keysUnder("1000/inbound/")).toEqual([`1000/inbound/adobe_id_0_1000_${T}.sync`]);

		await grantSource(env.DB, 1000, 2000, 0);
		await upload(`1000/inbound/ftp_dpm_1000_2000_${T}.sync`, "p1\t1\n");
		await upload(`1000/inbound/adobe_id_2000_1000_${T}.sync`, "a\tb\n");
		const second = await discoverDeliveries(env, later());
		expect(second.added.sort()).toEqual([`adobe_id_2000_1000_${T}.sync`, `ftp_dpm_1000_2000_${T}.sync`]);
	});
});

describe("a new delivery takes each part once", () => {
	it("the same part stored twice (plain, gzip, PGP): the first name is kept, the others refused and removed", async () => {
		const id = `ftp_dpm_1000_${T}.sync`;
		const area = "1000/inbound/";
		await upload(`${area}${id}.1`, "p1\t1\n");
		await upload(`${area}${id}.1.gz`, "p1\t1\n");
		await upload(`${area}${id}.1.pgp`, "(encrypted)");
		await upload(`${area}${id}.2.gpg`, "(encrypted)");
		await upload(`${area}ftp_dpm_1000_${T + 1}.sync`, "p1\t1\n");
		await upload(`${area}ftp_dpm_1000_${T + 1}.sync.pgp`, "(encrypted)");
		const found = await discoverDeliveries(env, later());
		expect(found.added).toEqual([id, `ftp_dpm_1000_${T + 1}.sync`]);
		const all = await rows();
		expect(all.filter((r) => r.status === "pending").map((r) => r.files)).toEqual([
			[`${area}${id}.1`, `${area}${id}.2.gpg`],
			[`${area}ftp_dpm_1000_${T + 1}.sync`],
		]);
		expect(all.filter((r) => r.status === "rejected").map((r) => [r.files, r.reason])).toEqual([
			[[`${area}${id}.1.gz`], `part 1 of delivery ${id} was sent twice in one pass`],
			[[`${area}${id}.1.pgp`], `part 1 of delivery ${id} was sent twice in one pass`],
			[
				[`${area}ftp_dpm_1000_${T + 1}.sync.pgp`],
				`delivery ftp_dpm_1000_${T + 1}.sync was sent twice in one pass; a delivery is processed once`,
			],
		]);
		expect(await keysUnder(area)).toEqual([
			`${area}${id}.1`,
			`${area}${id}.2.gpg`,
			`${area}ftp_dpm_1000_${T + 1}.sync`,
		]);
	});
});

describe("files under the name of a known delivery (late split parts, SPEC §5)", () => {
	const id = `ftp_dpm_1000_${T}.sync`;
	const part = (n: number, gz = "") => `1000/inbound/ftp_dpm_1000_${T}.sync.${n}${gz}`;
	const claim = () => env.DB.prepare("UPDATE inbound_deliveries SET status = 'running' WHERE id = ?1").bind(id).run();

	it("a part that arrives while its delivery is still pending joins it, in split order", async () => {
		await upload(part(3), "p3\t1\n");
		await upload(part(1), "p1\t1\n");
		expect((await discoverDeliveries(env, later())).added).toEqual([id]);
		await upload(part(2), "p2\t1\n");
		const found = await discoverDeliveries(env, later());
		expect(found).toMatchObject({ added: [], rejected: [] });
		expect((await rows()).map((r) => [r.id, r.status, r.files])).toEqual([
			[id, "pending", [part(1), part(2), part(3)]],
		]);
	});

	it("a part that arrives after its delivery was claimed becomes a delivery of its own, late_of the first", async () => {
		await upload(part(1), "p1\t1\n");
		await discoverDeliveries(env, later());
		await claim();
		await upload(part(2), "p2\t1\n");
		// Not before the settle time, as any delivery.
		expect(await discoverDeliveries(env, Date.now())).toMatchObject({ added: [], waiting: [`${id}.2`] });
		expect(await discoverDeliveries(env, later())).toMatchObject({ added: [`${id}.2`], rejected: [] });
		const late = await env.DB.prepare(
			"SELECT status, files, late_of, kind, mode, file_timestamp_seconds FROM inbound_deliveries WHERE id = ?1",
		)
			.bind(`${id}.2`)
			.first();
		expect(late).toEqual({
			status: "pending",
			files: JSON.stringify([part(2)]),
			late_of: id,
			kind: "traits",
			mode: "sync",
			file_timestamp_seconds: T,
		});
		// Both deliveries' files stay for their workflows; another pass records nothing twice.
		expect(await discoverDeliveries(env, later())).toMatchObject({ added: [], rejected: [], waiting: [] });
		expect(await keysUnder("1000/inbound/")).toEqual([part(1), part(2)]);
	});

	it("two passes racing: a part another pass joined to the delivery is not made a late delivery too", async () => {
		await upload(part(1), "p1\t1\n");
		await discoverDeliveries(env, later());
		await upload(part(2), "p2\t1\n");
		const stale = (await knownDeliveries(env.DB, [id])).get(id);
		// Pass A joins part 2 first; pass B, which read the delivery before that, then judges the same files.
		await discoverDeliveries(env, later());
		const listed = { key: part(2), etag: "e", uploaded: Date.now() - 120_000, split: 2 };
		const name = parseInboundFileName(`ftp_dpm_1000_${T}.sync.2`) as InboundFileName;
		const raced = { known: stale as KnownDelivery, name, objects: [listed], owner: 1000 };
		const pending = await judgeKnownDelivery(env.DB, raced, new Map(), Date.now(), 60_000);
		expect(pending).toEqual({ refusals: [], added: [], waiting: [`${id}.2`] });
		await claim();
		const claimed = await judgeKnownDelivery(env.DB, raced, new Map(), Date.now(), 60_000);
		expect(claimed).toEqual({ refusals: [], added: [], waiting: [] });
		expect((await rows()).map((r) => [r.id, r.files])).toEqual([[id, [part(1), part(2)]]]);
	});

	it("refuses a part received before, and a second copy of a new part in one pass", async () => {
		await upload(part(1), "p1\t1\n");
		await discoverDeliveries(env, later());
		await claim();
		await upload(part(1, ".gz"), "p1\t2\n");
		await upload(part(2), "p2\t1\n");
		await upload(part(2, ".gz"), "p2\t2\n");
		const found = await discoverDeliveries(env, later());
		expect(found.added).toEqual([`${id}.2`]);
		const refused = (await rows()).filter((r) => r.status === "rejected").map((r) => [r.files, r.reason]);
		expect(refused).toEqual([
			[[part(1, ".gz")], `part 1 of delivery ${id} was already received; a part is processed once`],
			[[part(2, ".gz")], `part 2 of delivery ${id} was sent twice in one pass`],
		]);
	});

	it("refuses a late part sent again after it was processed", async () => {
		await upload(part(1), "p1\t1\n");
		await discoverDeliveries(env, later());
		await claim();
		await upload(part(2), "p2\t1\n");
		await discoverDeliveries(env, later());
		await env.DB.prepare("UPDATE inbound_deliveries SET status = 'done', files_moved_at = 1 WHERE id = ?1")
			.bind(`${id}.2`)
			.run();
		await upload(part(2), "p2\t3\n");
		const found = await discoverDeliveries(env, later());
		expect(found.added).toEqual([]);
		const refused = (await rows()).filter((r) => r.status === "rejected").map((r) => r.reason);
		expect(refused).toEqual([`delivery ${id}.2 was already received (done); a delivery is processed once`]);
	});
});

describe("which delivery starts next", () => {
	async function insert(id: string, dpid: number, ts: number, status: string) {
		await env.DB.prepare(
			`INSERT INTO inbound_deliveries (id, dpid, kind, mode, file_timestamp_seconds, files, status, discovered_at)
			 VALUES (?1, ?2, 'traits', 'sync', ?3, '[]', ?4, 1)`,
		)
			.bind(id, dpid, ts, status)
			.run();
	}

	it("one per data source: the oldest file timestamp; late parts after their delivery, in split order", async () => {
		const id = `ftp_dpm_1000_${T}.sync`;
		const late = async (split: number) => {
			await insert(`${id}.${split}`, 1000, T, "pending");
			await env.DB.prepare("UPDATE inbound_deliveries SET late_of = ?1 WHERE id = ?2").bind(id, `${id}.${split}`).run();
		};
		await insert(id, 1000, T, "done");
		for (const split of [10, 3, 9, 2]) await late(split);
		await insert(`ftp_dpm_1000_${T + 1}.sync`, 1000, T + 1, "pending");
		await insert(`ftp_dpm_2000_${T + 5}.sync`, 2000, T + 5, "pending");
		const order: string[] = [];
		for (let i = 0; i < 5; i++) {
			const [next] = await nextDeliveryPerSource(env.DB);
			order.push(next ?? "");
			// While one runs, nothing else of its source starts; the other source is not held back.
			await env.DB.prepare("UPDATE inbound_deliveries SET status = 'running' WHERE id = ?1").bind(next).run();
			expect(await nextDeliveryPerSource(env.DB)).toEqual(i === 0 ? [`ftp_dpm_2000_${T + 5}.sync`] : []);
			await env.DB.prepare("UPDATE inbound_deliveries SET status = 'done' WHERE id = ?1").bind(next).run();
			if (i === 0) await env.DB.prepare("UPDATE inbound_deliveries SET status = 'done' WHERE dpid = 2000").run();
		}
		expect(order).toEqual([`${id}.2`, `${id}.3`, `${id}.9`, `${id}.10`, `ftp_dpm_1000_${T + 1}.sync`]);
	});
});

describe("bounds per partner and pass", () => {
	it("records at most 10 deliveries and refuses at most 20 names per partner per pass, mailing one list; the rest waits", async () => {
		for (let i = 0; i < 25; i++) await upload(`1000/inbound/junk-${String(i).padStart(2, "0")}.csv`, "x");
		for (let i = 0; i < 12; i++) await upload(`1000/inbound/ftp_dpm_1000_${T + i}.sync`, "p1\t1\n");
		await upload(`2000/inbound/ftp_dpm_2000_${T}.sync`, "p1\t1\n");

		const now = later();
		const first = await discoverDeliveries(env, now);
		expect(first.added).toHaveLength(11);
		expect(first.added).toContain(`ftp_dpm_2000_${T}.sync`);
		expect(first.rejected).toHaveLength(20);
		const mails = await keysUnder(`mail/rejections/1000/${now}/`, env.ARCHIVE);
		expect(mails).toEqual([
			`mail/rejections/1000/${now}/ops%40edge.example.eml`,
			`mail/rejections/1000/${now}/vendor%40partner.example.eml`,
		]);
		const mail = await PostalMime.parse((await (await env.ARCHIVE.get(mails[1] ?? ""))?.text()) ?? "");
		expect(mail.subject).toBe("edgesync: 20 inbound file(s) of DPID 1000 refused");
		expect(mail.text?.match(/^junk-\d\d\.csv: name matches neither/gm)).toHaveLength(20);

		const second = await discoverDeliveries(env, now + 60_000);
		expect(second.added).toHaveLength(2);
		expect(second.rejected).toHaveLength(5);
		expect(await keysUnder(`mail/rejections/1000/${now + 60_000}/`, env.ARCHIVE)).toHaveLength(2);
		const statuses = (await rows()).map((r) => r.status);
		expect(statuses.filter((s) => s === "pending")).toHaveLength(13);
		expect(statuses.filter((s) => s === "rejected")).toHaveLength(25);
		expect(await keysUnder("1000/inbound/junk")).toEqual([]);
	});

	it("lists a bounded page per partner and completes a delivery cut by the page's end", async () => {
		const limits = { ...DISCOVERY_LIMITS, objectsPerPartner: 2 };
		for (const part of [1, 2, 3]) await upload(`1000/inbound/ftp_dpm_1000_${T}.sync.${part}`, "p1\t1\n");
		await upload(`1000/inbound/ftp_dpm_1000_${T + 1}.sync`, "p1\t1\n");
		const list = vi.spyOn(env.EXCHANGE, "list");
		expect((await discoverDeliveries(env, later(), limits)).added).toEqual([`ftp_dpm_1000_${T}.sync`]);
		expect(list.mock.calls.map(([options]) => options)).toEqual([
			{ prefix: "1000/inbound/", limit: 2 },
			{ prefix: `1000/inbound/ftp_dpm_1000_${T}.sync`, startAfter: `1000/inbound/ftp_dpm_1000_${T}.sync.2`, limit: 2 },
			{ prefix: "2000/inbound/", limit: 2 },
		]);
		expect((await rows())[0]?.files).toEqual([1, 2, 3].map((p) => `1000/inbound/ftp_dpm_1000_${T}.sync.${p}`));
		// Once the delivery's files have left the area, the next file comes into the page.
		await moveDeliveryFiles(env, `ftp_dpm_1000_${T}.sync`);
		expect((await discoverDeliveries(env, later(), limits)).added).toEqual([`ftp_dpm_1000_${T + 1}.sync`]);
	});

	it("one partner whose area cannot be listed does not keep the others from being discovered", async () => {
		await upload(`1000/inbound/ftp_dpm_1000_${T}.sync`, "p1\t1\n");
		await upload(`2000/inbound/ftp_dpm_2000_${T}.sync`, "p1\t1\n");
		const list = env.EXCHANGE.list.bind(env.EXCHANGE);
		vi.spyOn(env.EXCHANGE, "list").mockImplementation(async (options) => {
			if (options?.prefix === "1000/inbound/") throw new Error("R2 is having a bad minute");
			return list(options);
		});
		vi.spyOn(console, "error").mockImplementation(() => {});
		const found = await discoverDeliveries(env, later());
		expect(found).toMatchObject({ added: [`ftp_dpm_2000_${T}.sync`], failed: [1000] });
	});

	it("with more partners than a pass lists, they take turns by minute", () => {
		const partners = [1, 2, 3, 4, 5].map((dpid) => ({ dpid }) as Partner);
		const turn = (minute: number) => partnersThisPass(partners, minute * 60_000, 2).map((p) => p.dpid);
		expect([turn(0), turn(1), turn(2), turn(3)]).toEqual([
			[1, 2],
			[3, 4],
			[5, 1],
			[2, 3],
		]);
		expect(partnersThisPass(partners, 0, 100).map((p) => p.dpid)).toEqual([1, 2, 3, 4, 5]);
	});
});
