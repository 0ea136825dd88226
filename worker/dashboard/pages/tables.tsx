import type { FC } from "hono/jsx";
import { partnerPrefix } from "../../../batch/exchange-layout";
import type { SourceGrant } from "../../../core/grants/grant";
import type { Partner } from "../../../core/partners/partner";
import type { RecentInbound, RecentOutbound } from "../../stats/store";
import { fmtInt, fmtRate, fmtTime, Scroll, Status } from "../layout";

/** Recent inbound deliveries; each links to its full receipt. */
export const InboundTable: FC<{ rows: RecentInbound[] }> = ({ rows }) =>
	rows.length === 0 ? (
		<p class="empty">No inbound deliveries yet.</p>
	) : (
		<Scroll>
			<table>
				<thead>
					<tr>
						<th>Delivery</th>
						<th>Partner</th>
						<th>Status</th>
						<th class="num">Records</th>
						<th class="num">Matched</th>
						<th>Received (UTC)</th>
					</tr>
				</thead>
				<tbody>
					{rows.map((d) => (
						<tr>
							<td>
								<a href={`/admin/inbound/${encodeURIComponent(d.id)}`}>{d.id}</a>
							</td>
							<td class="num">{d.dpid}</td>
							<td>
								<Status status={d.status} />
							</td>
							<td class="num">{fmtInt(d.records)}</td>
							<td class="num">{fmtRate(d.matchRate)}</td>
							<td>{fmtTime(d.discoveredAt)}</td>
						</tr>
					))}
				</tbody>
			</table>
		</Scroll>
	);

export const OutboundTable: FC<{ rows: RecentOutbound[] }> = ({ rows }) =>
	rows.length === 0 ? (
		<p class="empty">No outbound runs yet.</p>
	) : (
		<Scroll>
			<table>
				<thead>
					<tr>
						<th>Run</th>
						<th>Partner</th>
						<th>Mode</th>
						<th>Status</th>
						<th class="num">Lines</th>
						<th>Started (UTC)</th>
						<th class="num">Seconds</th>
						<th>Error</th>
					</tr>
				</thead>
				<tbody>
					{rows.map((r) => (
						<tr>
							<td>
								<a href={`/admin/runs/${encodeURIComponent(r.id)}`}>{r.id}</a>
							</td>
							<td class="num">{r.dpid}</td>
							<td>{`${r.mode} · ${r.trigger}`}</td>
							<td>
								<Status status={r.status} />
							</td>
							<td class="num">{fmtInt(r.lines)}</td>
							<td>{fmtTime(r.startedAt)}</td>
							<td class="num">{r.finishedAt === null ? "—" : ((r.finishedAt - r.startedAt) / 1000).toFixed(1)}</td>
							<td class="error-text">{r.error ?? ""}</td>
						</tr>
					))}
				</tbody>
			</table>
		</Scroll>
	);

/** Partners with their sync settings, their prefix in the exchange bucket and the sources they may name. */
export const PartnerTable: FC<{ partners: Partner[]; grants: SourceGrant[] }> = ({ partners, grants }) => (
	<Scroll>
		<table>
			<thead>
				<tr>
					<th>DPID</th>
					<th>Name</th>
					<th>Sync URL</th>
					<th>Redirect hosts</th>
					<th>Exchange prefix</th>
					<th>May also name</th>
				</tr>
			</thead>
			<tbody>
				{partners.map((p) => {
					const sources = grants.filter((g) => g.dpid === p.dpid).map((g) => g.sourceDpid);
					return (
						<tr data-dpid={p.dpid}>
							<td class="num">{p.dpid}</td>
							<td>{p.name}</td>
							<td class="url">{p.syncUrl ?? "—"}</td>
							<td>{p.redirectHosts.length === 0 ? "—" : p.redirectHosts.join(", ")}</td>
							<td>
								<code>{partnerPrefix(p.dpid)}</code>
							</td>
							<td>{sources.length === 0 ? "—" : sources.join(", ")}</td>
						</tr>
					);
				})}
			</tbody>
		</table>
	</Scroll>
);
