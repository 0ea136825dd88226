/**
 * The dashboard's only script, served at /admin/assets/dashboard.js after uPlot (both `defer`): it
 * draws each `[data-chart]` element from the page's JSON block and keeps it as wide as its box, so
 * the charts fit a phone. Plain ES2017 so no build step is needed; `data-rendered` tells tests (and
 * curious operators) how many series were drawn.
 */
export const DASHBOARD_JS = `"use strict";
(function () {
	var palette = ["#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed", "#0891b2", "#dc2626", "#4d7c0f"];
	var source = document.getElementById("chart-data");
	if (!source || typeof uPlot !== "function") return;
	var data = JSON.parse(source.textContent);
	var utc = function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); };
	document.querySelectorAll("[data-chart]").forEach(function (el) {
		var set = data[el.getAttribute("data-chart")] || [];
		if (set.every(function (s) { return s.values.every(function (v) { return v === 0; }); })) {
			el.textContent = "No data in this range.";
			el.className += " empty";
			el.setAttribute("data-rendered", "0");
			return;
		}
		var height = function () { return Math.max(180, Math.min(260, Math.round(el.clientWidth * 0.5))); };
		var series = [{}].concat(set.map(function (s, i) {
			var color = palette[i % palette.length];
			return { label: s.label, stroke: color, width: 2, points: { size: 5, fill: color } };
		}));
		var plot = new uPlot({
			width: el.clientWidth,
			height: height(),
			tzDate: utc,
			series: series,
			scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(1, max * 1.1)]; } } },
			axes: [{}, { size: 56 }],
		}, [data.x].concat(set.map(function (s) { return s.values; })), el);
		new ResizeObserver(function () {
			plot.setSize({ width: el.clientWidth, height: height() });
		}).observe(el);
		el.setAttribute("data-rendered", String(set.length));
	});
})();
`;

export const DASHBOARD_CSS = `:root { color-scheme: light; --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --accent: #2563eb; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #f9fafb; }
header { display: flex; align-items: center; gap: .75rem; padding: .6rem 1rem; background: #111827; color: #fff; }
header .brand { color: #fff; font-weight: 700; text-decoration: none; }
header .who { margin-left: auto; color: #d1d5db; font-size: .9em; }
header form { margin: 0; }
header button { background: transparent; color: #fff; border: 1px solid #4b5563; border-radius: 6px; padding: .25rem .6rem; }
main { max-width: 1100px; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.4rem; margin: .25rem 0; }
h2 { font-size: 1.05rem; margin: 0 0 .6rem; }
h3 { font-size: .95rem; margin: .6rem 0 .3rem; }
.break { overflow-wrap: anywhere; }
.sub { color: var(--muted); margin: 0 0 1rem; }
.title-row { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: .5rem; }
.range a { padding: .2rem .5rem; border-radius: 6px; text-decoration: none; color: var(--accent); }
.range a[aria-current="page"] { background: var(--accent); color: #fff; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: .6rem; margin-bottom: 1rem; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: .7rem .8rem; display: flex; flex-direction: column; }
.card .value { font-size: 1.35rem; font-weight: 700; }
.card .label { color: var(--muted); font-size: .85em; }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: .9rem; margin-bottom: 1rem; }
.plot { width: 100%; min-height: 180px; }
.empty { color: var(--muted); }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { color: var(--muted); font-weight: 600; }
td.url, td.error-text { white-space: normal; overflow-wrap: anywhere; min-width: 12rem; }
table.receipt th { width: 45%; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { padding: .05rem .45rem; border-radius: 999px; font-size: .85em; background: #e5e7eb; }
.status-done, .status-sent { background: #d1fae5; color: #065f46; }
.status-failed, .status-rejected { background: #fee2e2; color: #991b1b; }
.status-running, .status-pending { background: #dbeafe; color: #1e40af; }
.bars { list-style: none; padding: 0; margin: 0; display: grid; gap: .5rem; }
.bars li { display: grid; grid-template-columns: minmax(8rem, 1fr) 2fr 4.5rem; align-items: center; gap: .5rem; }
.bars meter { width: 100%; height: 1.1rem; }
.bar-value { text-align: right; font-variant-numeric: tabular-nums; }
.samples pre { background: #f3f4f6; padding: .5rem; border-radius: 6px; overflow-x: auto; font-size: .85em; }
.login { max-width: 360px; margin: 3rem auto; background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 1.2rem; display: grid; gap: .6rem; }
.login input { font: inherit; padding: .5rem; border: 1px solid #d1d5db; border-radius: 6px; }
.login button { font: inherit; padding: .5rem; border: 0; border-radius: 6px; background: var(--accent); color: #fff; }
.error { color: #991b1b; background: #fee2e2; padding: .5rem; border-radius: 6px; margin: 0; }
code { background: #f3f4f6; padding: .05rem .3rem; border-radius: 4px; font-size: .9em; }
.inline-form { display: flex; flex-wrap: wrap; align-items: end; gap: .6rem; margin-top: .7rem; }
.inline-form label { display: grid; gap: .2rem; color: var(--muted); font-size: .85em; }
.inline-form input { font: inherit; width: 9rem; padding: .35rem; border: 1px solid #d1d5db; border-radius: 6px; }
.inline-form button, td form button { font: inherit; padding: .35rem .7rem; border: 0; border-radius: 6px; background: var(--accent); color: #fff; }
td form { margin: 0; }
@media (max-width: 520px) {
	main { padding: .6rem; }
	.bars li { grid-template-columns: 1fr 4.5rem; }
	.bars .bar-label { grid-column: 1 / -1; }
}
`;
