import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { deliveryIdOf } from "../../batch/inbound/delivery";
import { isFileNameError, parseInboundFileName } from "../../batch/inbound/parse";
import { insertDelivery } from "../../batch/inbound/store";
import { UPLOAD_PARTS } from "../../core/inbound-limits";
import { call } from "./support/edge";
import { seedPartnersWithKeys } from "./support/partners";
import { beyondLimit } from "./support/rate-limit";

const T = 1_790_000_000;
const NAME = `ftp_dpm_1000_${T}.sync`;
let key1000: string;
let key2000: string;

beforeEach(async () => {
	({ 1000: key1000, 2000: key2000 } = await seedPartnersWithKeys(1000, 2000));
});

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });

async function begin(name: string, key: string): Promise<Response> {
	return call(`/exchange/uploads/${name}`, { method: "POST", headers: auth(key) });
}

async function uploadId(name: string, key: string): Promise<string> {
	const res = await begin(name, key);
	expect(res.status).toBe(201);
	return ((await res.json()) as { uploadId: string }).uploadId;
}

const part = (name: string, key: string, id: string, n: number | string, body: BodyInit) =>
	call(`/exchange/uploads/${name}?uploadId=${encodeURIComponent(id)}&part=${n}`, {
		method: "PUT",
		body,
		headers: auth(key),
	});

const complete = (name: string, key: string, id: string, parts: unknown) =>
	call(`/exchange/uploads/${name}/complete?uploadId=${encodeURIComponent(id)}`, {
		method: "POST",
		body: JSON.stringify({ parts }),
		headers: { ...auth(key), "Content-Type": "application/json" },
	});

/** A 5 MiB part of `p<n>\t1\n` lines (R2's smallest part but the last). */
function bigPart(n: number): Uint8Array {
	const line = new TextEncoder().encode(`p${n}\t1\n`);
	const out = new Uint8Array(UPLOAD_PARTS.minPartBytes);
	for (let i = 0; i + line.length <= out.length; i += line.length) out.set(line, i);
	out.fill(0x0a, out.length - (out.length % line.length));
	return out;
}

describe("uploads in parts (/exchange/uploads/<name>)", () => {
	it("joins the parts into one file of the partner's inbound area", async () => {
		const begun = await begin(NAME, key1000);
		expect(begun.status).toBe(201);
		const info = (await begun.json()) as { key: string; uploadId: string; maxParts: number; minPartBytes: number };
		expect(info).toMatchObject({ key: `1000/inbound/${NAME}`, ...UPLOAD_PARTS });
		const first = await part(NAME, key1000, info.uploadId, 1, bigPart(1));
		const last = await part(NAME, key1000, info.uploadId, 2, "tail\t2\n");
		expect([first.status, last.status]).toEqual([200, 200]);
		const etags = [(await first.json()) as { etag: string }, (await last.json()) as { etag: string }];
		// Nothing is listed (and so nothing is discovered) before the upload is completed.
		expect((await env.EXCHANGE.list({ prefix: "1000/inbound/" })).objects).toEqual([]);
		const done = await complete(NAME, key1000, info.uploadId, [
			{ part: 1, etag: etags[0]?.etag },
			{ part: 2, etag: etags[1]?.etag },
		]);
		expect(done.status).toBe(201);
		const size = UPLOAD_PARTS.minPartBytes + 7;
		expect(await done.json()).toMatchObject({ key: `1000/inbound/${NAME}`, size });
		const stored = await env.EXCHANGE.get(`1000/inbound/${NAME}`);
		expect(stored?.customMetadata).toEqual({ uploadedBy: "1000", upload: expect.stringMatching(/^[\w-]{16}$/) });
		expect((await stored?.text())?.endsWith("\ntail\t2\n")).toBe(true);
		// Completed is completed: a second upload of the name is refused at once.
		expect((await begin(NAME, key1000)).status).toBe(409);
	});

	it("runs the checks of a whole upload before beginning: name, granted sources, duplicates, partner key", async () => {
		expect((await begin("segments.csv", key1000)).status).toBe(400);
		expect((await begin(`ftp_dpm_2000_${T}.sync`, key1000)).status).toBe(403);
		expect((await call(`/exchange/uploads/${NAME}`, { method: "POST" })).status).toBe(401);
		const admin = await begin(NAME, "test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD");
		expect(admin.status).toBe(401);
		await env.EXCHANGE.put(`1000/inbound/${NAME}`, "p\t1\n");
		const again = await begin(NAME, key1000);
		expect(again.status).toBe(409);
		expect(((await again.json()) as { error: string }).error).toBe(`${NAME} was already uploaded`);
	});

	it("keeps one partner away from another's upload: same id, own prefix, no such upload", async () => {
		const id = await uploadId(NAME, key1000);
		const theirs = `ftp_dpm_2000_${T}.sync`;
		// 2000 names 1000's id under its own key (the only key it can reach), or under 1000's name.
		for (const name of [theirs, NAME]) {
			const res = await part(name, key2000, id, 1, "x\t1\n");
			expect(res.status).toBe(404);
			expect((await complete(name, key2000, id, [{ part: 1, etag: "x" }])).status).toBe(404);
			expect(
				(await call(`/exchange/uploads/${name}?uploadId=${id}`, { method: "DELETE", headers: auth(key2000) })).status,
			).toBe(404);
		}
		// R2's own id without the edge's MAC, or with another name's, is no upload either.
		expect((await part(NAME, key1000, id.slice(0, id.lastIndexOf(".")), 1, "x\t1\n")).status).toBe(404);
		const other = await uploadId(`ftp_dpm_1000_${T + 1}.sync`, key1000);
		expect((await part(NAME, key1000, other, 1, "x\t1\n")).status).toBe(404);
		// 1000's upload is untouched: its part still goes in and completes.
		const own = await part(NAME, key1000, id, 1, "p\t1\n");
		const { etag } = (await own.json()) as { etag: string };
		expect((await complete(NAME, key1000, id, [{ part: 1, etag }])).status).toBe(201);
		expect((await env.EXCHANGE.list()).objects.map((o) => o.key)).toEqual([`1000/inbound/${NAME}`]);
	});

	it("bounds parts: number, size, length, body; R2's own refusals are 400", async () => {
		const id = await uploadId(NAME, key1000);
		expect((await part(NAME, key1000, id, 0, "x")).status).toBe(400);
		expect((await part(NAME, key1000, id, UPLOAD_PARTS.maxParts + 1, "x")).status).toBe(400);
		expect((await part(NAME, key1000, id, "one", "x")).status).toBe(400);
		expect((await part(NAME, key1000, id, 1, "")).status).toBe(400);
		const tooBig = await call(`/exchange/uploads/${NAME}?uploadId=${id}&part=1`, {
			method: "PUT",
			body: "x",
			headers: { ...auth(key1000), "Content-Length": String(UPLOAD_PARTS.maxPartBytes + 1) },
		});
		expect(tooBig.status).toBe(413);
		expect(
			(await call(`/exchange/uploads/${NAME}?part=1`, { method: "PUT", body: "x", headers: auth(key1000) })).status,
		).toBe(400);
		// A first part below R2's minimum followed by another: R2 refuses to join them.
		const a = (await (await part(NAME, key1000, id, 1, "a\t1\n")).json()) as { etag: string };
		const b = (await (await part(NAME, key1000, id, 2, "b\t1\n")).json()) as { etag: string };
		const joined = await complete(NAME, key1000, id, [
			{ part: 1, etag: a.etag },
			{ part: 2, etag: b.etag },
		]);
		expect(joined.status).toBe(400);
		expect((await complete(NAME, key1000, id, [{ part: 1, etag: "not-its-etag" }])).status).toBe(400);
		expect((await complete(NAME, key1000, id, "nonsense")).status).toBe(400);
		const huge = await call(`/exchange/uploads/${NAME}/complete?uploadId=${encodeURIComponent(id)}`, {
			method: "POST",
			body: JSON.stringify({ parts: [], pad: "x".repeat(300_000) }),
			headers: { ...auth(key1000), "Content-Type": "application/json" },
		});
		expect(huge.status).toBe(413);
		expect(await env.EXCHANGE.head(`1000/inbound/${NAME}`)).toBeNull();
	});

	it("drops an aborted upload: its id is then no upload at all", async () => {
		const id = await uploadId(NAME, key1000);
		await part(NAME, key1000, id, 1, "p\t1\n");
		const res = await call(`/exchange/uploads/${NAME}?uploadId=${id}`, { method: "DELETE", headers: auth(key1000) });
		expect(res.status).toBe(204);
		expect((await part(NAME, key1000, id, 2, "p\t1\n")).status).toBe(404);
		expect(await env.EXCHANGE.head(`1000/inbound/${NAME}`)).toBeNull();
	});

	it("refuses to complete when the same name was uploaded whole in the meantime", async () => {
		const id = await uploadId(NAME, key1000);
		const { etag } = (await (await part(NAME, key1000, id, 1, "late\t1\n")).json()) as { etag: string };
		await env.EXCHANGE.put(`1000/inbound/${NAME}`, "first\t1\n");
		expect((await complete(NAME, key1000, id, [{ part: 1, etag }])).status).toBe(409);
		expect(await (await env.EXCHANGE.get(`1000/inbound/${NAME}`))?.text()).toBe("first\t1\n");
	});

	it("answers a repeated completion (its first answer lost) as the first, without a second file", async () => {
		const id = await uploadId(NAME, key1000);
		const { etag } = (await (await part(NAME, key1000, id, 1, "p1\t1\n")).json()) as { etag: string };
		const first = await complete(NAME, key1000, id, [{ part: 1, etag }]);
		const again = await complete(NAME, key1000, id, [{ part: 1, etag }]);
		expect([first.status, again.status]).toEqual([201, 201]);
		expect(await again.json()).toEqual(await first.json());
		// Another upload of the name, finished meanwhile, is still refused to it.
		const other = await uploadId(`ftp_dpm_1000_${T + 1}.sync`, key1000);
		const { etag: otherEtag } = (await (
			await part(`ftp_dpm_1000_${T + 1}.sync`, key1000, other, 1, "x\t1\n")
		).json()) as {
			etag: string;
		};
		await env.EXCHANGE.put(`1000/inbound/ftp_dpm_1000_${T + 1}.sync`, "whole\t1\n");
		expect((await complete(`ftp_dpm_1000_${T + 1}.sync`, key1000, other, [{ part: 1, etag: otherEtag }])).status).toBe(
			409,
		);
	});

	it("refuses to complete a name received (and moved out) meanwhile, and drops the upload's parts", async () => {
		const id = await uploadId(NAME, key1000);
		const { etag } = (await (await part(NAME, key1000, id, 1, "late\t1\n")).json()) as { etag: string };
		const parsed = parseInboundFileName(NAME);
		if (isFileNameError(parsed)) throw new Error(parsed.error);
		const delivery = {
			id: deliveryIdOf(parsed, 1000),
			dpid: 1000,
			targetDpid: null,
			kind: "traits" as const,
			mode: "sync" as const,
			fileTimestampSeconds: T,
			files: [`1000/inbound/${NAME}`],
		};
		await insertDelivery(env.DB, delivery, Date.now());
		const refused = await complete(NAME, key1000, id, [{ part: 1, etag }]);
		expect(refused.status).toBe(409);
		expect(await env.EXCHANGE.head(`1000/inbound/${NAME}`)).toBeNull();
		// The parts were dropped: the upload is gone.
		expect((await part(NAME, key1000, id, 2, "p\t1\n")).status).toBe(404);
	});

	it("counts parts per partner (UPLOAD_PARTS_PER_PARTNER: 429 past 600 a minute)", async () => {
		const keys = await seedPartnersWithKeys(3000, 3001, 3002);
		const limited = await beyondLimit(
			600,
			async (_i, attempt) => {
				const dpid = 3000 + attempt;
				// An id nobody began: refused (404) but counted.
				const res = await part(`ftp_dpm_${dpid}_${T}.sync`, keys[dpid as 3000], "no-such-id.mac", 1, "x");
				expect(res.status).toBe(404);
			},
			async (attempt) => {
				const dpid = 3000 + attempt;
				return part(`ftp_dpm_${dpid}_${T}.sync`, keys[dpid as 3000], "no-such-id.mac", 1, "x");
			},
		);
		expect(limited.status).toBe(429);
		// Another partner is not affected.
		const id = await uploadId(NAME, key1000);
		expect((await part(NAME, key1000, id, 1, "p\t1\n")).status).toBe(200);
	});
});
