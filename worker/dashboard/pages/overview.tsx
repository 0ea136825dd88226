import type { FC } from "hono/jsx";
import type { SourceGrant } from "../../../core/grants/grant";
import type { Partner } from "../../../core/partners/partner";
import type { Stats } from "../../stats/read";
import type { RecentInbound, RecentOutbound } from "../../stats/store";
import { type ChartData, jsonForScript } from "../chart-data";
import { fmtInt, fmtRate, Layout, Scroll, Section } from "../layout";
import type { Session } from "../session";
import { ExchangeAreaSection, GrantsSection } from "./exchange";
import { InboundTable, OutboundTable, PartnerTable } from "./tables";

export interface OverviewProps {
	session: Session;
	csrf: string;
	days: number;
	stats: Stats;
	chart: ChartData;
	inbound: RecentInbound[];
	outbound: RecentOutbound[];
	partners: Partner[];
	grants: SourceGrant[];
}

const Card: FC<{ label: string; value: string; id: string }> = ({ label, value, id }) => (
	<div class="card" data-card={id}>
		<span class="value">{value}</span>
		<span class="label">{label}</span>
	</div>
);

const statusLine = (byStatus: Record<string, number>) =>
	Object.entries(byStatus)
		.map(([s, n]) => `${n} ${s}`)
		.join(" · ") || "none";

/** The overview: cards, charts, match rates, recent deliveries and runs, partners. */
export const OverviewPage: FC<OverviewProps> = (p) => {
	const t = p.stats.totals;
	const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
	const operator = p.session.role === "operator";
	return (
		<Layout title="Dashboard" session={p.session} csrf={p.csrf}>
			<div class="title-row">
				<h1>{operator ? "Overview" : `Partner ${p.session.dpid}`}</h1>
				<nav class="range" aria-label="Time range">
					{[7, 14, 30, 90].map((d) => (
						<a href={`/admin?days=${d}`} aria-current={d === p.days ? "page" : undefined}>{`${d} d`}</a>
					))}
				</nav>
			</div>
			<p class="sub">{`${p.stats.from} – ${p.stats.to} (UTC)`}</p>
			<div class="cards">
				<Card id="syncs" label="syncs" value={fmtInt(t.syncs)} />
				<Card id="new" label="new pairs" value={fmtInt(t.newPairs)} />
				<Card id="refreshed" label="refreshed pairs" value={fmtInt(t.refreshedPairs)} />
				<Card id="consent" label="consent-blocked calls" value={fmtInt(t.consentBlocked)} />
				{operator && <Card id="bad" label="bad-input calls" value={fmtInt(t.badInput)} />}
				<Card id="inbound" label={statusLine(p.stats.inbound.byStatus)} value={`${sum(p.stats.inbound.byStatus)} in`} />
				<Card
					id="outbound"
					label={statusLine(p.stats.outbound.byStatus)}
					value={`${sum(p.stats.outbound.byStatus)} out`}
				/>
			</div>
			<script type="application/json" id="chart-data" dangerouslySetInnerHTML={{ __html: jsonForScript(p.chart) }} />
			<Section id="syncs" title="Syncs per day">
				<div class="plot" data-chart="syncs" role="img" aria-label="Syncs per day and partner" />
			</Section>
			<Section id="pairs" title="New and refreshed pairs">
				<div class="plot" data-chart="pairs" role="img" aria-label="New and refreshed pairs per day" />
			</Section>
			<Section id="match" title="Match rate of inbound records">
				{p.stats.matchRates.length === 0 && <p class="empty">No processed inbound deliveries in this range.</p>}
				<ul class="bars">
					{p.stats.matchRates.map((m) => (
						<li data-dpid={m.dpid}>
							<span class="bar-label">{`${m.dpid} · ${fmtInt(m.matched)} of ${fmtInt(m.records)}`}</span>
							<meter min={0} max={1} low={0.5} high={0.8} optimum={1} value={m.rate ?? 0} />
							<span class="bar-value">{fmtRate(m.rate)}</span>
						</li>
					))}
				</ul>
			</Section>
			<Section id="inbound" title="Recent inbound deliveries">
				<InboundTable rows={p.inbound} />
			</Section>
			<Section id="outbound" title="Recent outbound runs">
				<OutboundTable rows={p.outbound} />
			</Section>
			{operator && p.stats.badInputByReason.length > 0 && (
				<Section id="bad-input" title="Bad-input calls by reason">
					<Scroll>
						<table>
							<tbody>
								{p.stats.badInputByReason.map((r) => (
									<tr>
										<td>{r.reason}</td>
										<td class="num">{fmtInt(r.count)}</td>
									</tr>
								))}
							</tbody>
						</table>
					</Scroll>
				</Section>
			)}
			<Section id="partners" title={operator ? "Partners" : "Your sync settings"}>
				<PartnerTable partners={p.partners} grants={p.grants} />
			</Section>
			{operator ? (
				<GrantsSection grants={p.grants} csrf={p.csrf} />
			) : (
				p.session.dpid !== null && <ExchangeAreaSection dpid={p.session.dpid} grants={p.grants} />
			)}
		</Layout>
	);
};
