import type { Stats } from "../stats/read";

/** What the client script (assets.ts) draws with uPlot: one x axis of UTC days, series of numbers. */
export interface ChartData {
	/** Unix seconds of each day's midnight, UTC. */
	x: number[];
	syncs: Array<{ label: string; values: number[] }>;
	pairs: Array<{ label: string; values: number[] }>;
}

/** Every day of the window (days without counts are zeros, not gaps), one sync series per partner. */
export function chartData(stats: Stats, names: ReadonlyMap<number, string>): ChartData {
	const days: string[] = [];
	for (let t = Date.parse(`${stats.from}T00:00:00Z`); t <= Date.parse(`${stats.to}T00:00:00Z`); t += 86_400_000) {
		days.push(new Date(t).toISOString().slice(0, 10));
	}
	const index = new Map(days.map((d, i) => [d, i]));
	const zeros = () => days.map(() => 0);
	const perPartner = new Map<number, number[]>();
	const fresh = zeros();
	const refreshed = zeros();
	for (const row of stats.days) {
		const i = index.get(row.day);
		if (i === undefined || row.syncs === 0) continue;
		const series = perPartner.get(row.dpid) ?? zeros();
		perPartner.set(row.dpid, series);
		series[i] = (series[i] ?? 0) + row.syncs;
		fresh[i] = (fresh[i] ?? 0) + row.newPairs;
		refreshed[i] = (refreshed[i] ?? 0) + row.refreshedPairs;
	}
	return {
		x: days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000),
		syncs: [...perPartner]
			.sort(([a], [b]) => a - b)
			.map(([dpid, values]) => ({ label: `${dpid} ${names.get(dpid) ?? ""}`.trim(), values })),
		pairs: [
			{ label: "new pairs", values: fresh },
			{ label: "refreshed pairs", values: refreshed },
		],
	};
}

/** JSON for a <script type="application/json"> block: `<` escaped so no value can close the element. */
export function jsonForScript(value: unknown): string {
	return JSON.stringify(value).replace(/</g, "\\u003c");
}
