// The printed table (also what goes into BENCHMARKS.md): markdown, one section per scenario run.
/* eslint-disable @typescript-eslint/no-explicit-any -- the report is plain JSON */
import type { PostgresWaits } from './postgres-waits';
type Lat = { n: number; minMs: number; p50Ms: number; p99Ms: number; maxMs: number };
const ms = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const lat = (s: Lat | undefined) =>
  s ? `${ms(s.minMs)} / ${ms(s.p50Ms)} / ${ms(s.p99Ms)} / ${ms(s.maxMs)} (n=${s.n})` : '–';
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;

export function formatReport(r: any): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${mib(m.memoryBytes)} RAM; Node ${m.node}; PostgreSQL ${m.postgres} ` +
      `(fsync=${r.settings.postgres.fsync}, synchronous_commit=${r.settings.postgres.synchronous_commit}, shared_buffers=${r.settings.postgres.shared_buffers}); ` +
      `mode ${r.mode}, ${r.durationSec} s; server pool ${r.settings.serverPoolSize} connections.`,
  );
  if (m.commitLatency)
    out.push(
      '',
      `Disk commit latency (one-row INSERT in autocommit, one connection, before the scenarios): ` +
        `p50 **${ms(m.commitLatency.p50Ms)} ms**, p99 ${ms(m.commitLatency.p99Ms)} ms (n=${m.commitLatency.n}).`,
    );
  const damon = m.kernelMemoryMonitor;
  if (damon)
    out.push(
      '',
      `Kernel memory monitor (DAMON): ${damon.state}, sampling every ${damon.sampleMs ?? '?'} ms, action ${damon.action ?? 'none'} ` +
        '(see "The machine" in BENCHMARKS.md for what it did to the latency tail).',
    );
  if (r.send) {
    const s = r.send;
    out.push(
      '',
      `**1. Send throughput** (${s.settings.clients} clients, ${s.settings.durationSec} s after ${s.settings.warmupSec} s warm-up; every ack after COMMIT, fsync on)`,
      '',
    );
    out.push(
      '| row | msgs/s | acked | verified in DB | failed | CPU cores: server / pg / bench | core-ms per 1,000 msgs: server / pg / bench |',
      '| --- | ---: | ---: | ---: | ---: | --- | --- |',
    );
    for (const [name, row] of [
      ['ours (realtime server)', s.ours],
      ['seed design', s.seed],
      [
        s.ceilingAfter ? 'ceiling (raw pg INSERT, autocommit), before ours' : 'ceiling (raw pg INSERT, autocommit)',
        s.ceiling,
      ],
      ['ceiling (raw pg INSERT, autocommit), after ours', s.ceilingAfter],
      [`batch ceiling (raw pg ${s.settings.batchRows}-row INSERT, autocommit)`, s.batchCeiling],
      ['transport ceiling (Socket.IO, no database)', s.transportCeiling],
    ] as const) {
      if (!row) continue; // a report from before the row existed
      const cpu = row.cpu
        ? `${row.cpu.cores.server} / ${row.cpu.cores.postgres} / ${row.cpu.cores.bench} | ` +
          `${row.cpu.msPerThousand.server} / ${row.cpu.msPerThousand.postgres} / ${row.cpu.msPerThousand.bench}`
        : '– | –';
      out.push(
        `| ${name} | ${row.msgsPerSec} | ${row.acked} | ${row.verified ?? 'n/a (stores nothing)'} | ${row.failed} | ${cpu} |`,
      );
    }
    const pct = (x: number | undefined) => (x === undefined ? '–' : `${(x * 100).toFixed(0)}%`);
    out.push(
      '',
      `ours / seed = **${s.ratios.oursOverSeed}×**, ours / ceiling${s.ceilingAfter ? ' (mean of before and after)' : ''} = **${pct(s.ratios.oursOverCeiling)}**` +
        (s.batchCeiling
          ? `, ours / batch ceiling = **${pct(s.ratios.oursOverBatchCeiling)}**, ours / transport ceiling = **${pct(s.ratios.oursOverTransportCeiling)}**`
          : ''),
    );
  }
  if (r.latency) {
    const l = r.latency;
    out.push(
      '',
      `**2. Send → recipient new_message latency** (${l.clients} clients in ${l.chats} chats${l.warmupSec ? `, after an untimed ${l.warmupSec} s at the first rate` : ''}; min / p50 / p99 / max ms)`,
      '',
    );
    out.push('| target msg/s | sent/s | delivered/s | latency | sustained |', '| ---: | ---: | ---: | --- | --- |');
    for (const a of l.attempts)
      out.push(
        `| ${a.targetRate} | ${a.sentRate} | ${a.deliveredRate} | ${lat(a.latency)} | ${a.sustained ? 'yes' : 'no'} |`,
      );
    out.push(
      '',
      `Highest sustained rate: **${l.rate} msg/s**, p99 **${ms(l.p99Ms)} ms**; highest sustained rate with p99 ≤ 25 ms: **${l.rateWithP99Within25Ms ?? 'none tried'}${l.rateWithP99Within25Ms ? ' msg/s' : ''}**.`,
    );
    if (l.attempts[0]?.breakdown) {
      out.push(
        '',
        'Where the time goes (server stages per send, p50 / p99 ms, estimated from the histogram buckets; ' +
          'the recipient column is the table above; event-loop delay of the realtime process and of this bench process (its clients); ' +
          'CPU over the window in cores: realtime server / PostgreSQL / bench clients; ' +
          'inside PostgreSQL, the send statements active at a poll of pg_stat_activity (mean) and the share of them ' +
          'on a CPU / in a WAL fsync / waiting for the WAL write lock / for a row lock / other):',
        '',
        '| target msg/s | admit | queue | store (statement + commit) | ack | deliver | send → recipient | group size mean / p99 | event-loop delay p50 / p99 / max | bench event-loop delay p50 / p99 / max | CPU server / pg / bench | store in PostgreSQL: active, CPU / WAL sync / WAL write / row lock / other |',
        '| ---: | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      );
      const pair = (q: { p50Ms: number; p99Ms: number }) => `${ms(q.p50Ms)} / ${ms(q.p99Ms)}`;
      const percent = (share: number) => `${Math.round(share * 100)}%`;
      const waitShares = ({ activeMean, shares: w }: PostgresWaits) =>
        `${activeMean}, ${[w.cpu, w.walSync, w.walWrite, w.rowLock, w.other].map(percent).join(' / ')}`;
      for (const a of l.attempts) {
        const b = a.breakdown;
        out.push(
          `| ${a.targetRate} | ${pair(b.stages.admit)} | ${pair(b.stages.queue)} | ${pair(b.stages.store)} | ${pair(b.stages.ack)} | ` +
            `${pair(b.stages.deliver)} | ${pair(a.latency)} | ${b.groupSize.mean} / ${b.groupSize.p99} | ` +
            `${ms(b.eventLoopDelay.p50Ms)} / ${ms(b.eventLoopDelay.p99Ms)} / ${ms(b.eventLoopDelay.maxMs)} | ` +
            `${ms(b.benchEventLoopDelay.p50Ms)} / ${ms(b.benchEventLoopDelay.p99Ms)} / ${ms(b.benchEventLoopDelay.maxMs)} | ` +
            `${b.cpu.server} / ${b.cpu.postgres} / ${b.cpu.bench} | ${waitShares(b.postgresWaits)} |`,
        );
      }
    }
  }
  if (r.sockets) {
    const k = r.sockets;
    out.push('', `**3. Idle authenticated sockets** (realtime process RSS; baseline ${mib(k.baselineRssBytes)})`, '');
    out.push('| sockets | RSS | RSS per socket | connect rate |', '| ---: | ---: | ---: | ---: |');
    for (const s of k.steps)
      out.push(
        `| ${s.count} | ${mib(s.rssBytes)} | ${(s.rssBytesPerSocket / 1024).toFixed(1)} KiB | ${s.connectsPerSec}/s |`,
      );
    out.push(
      '',
      `RSS per socket at ${k.count}: **${(k.rssBytesPerSocket / 1024).toFixed(1)} KiB** (marginal, first to last step: ${(k.marginalRssBytesPerSocket / 1024).toFixed(1)} KiB).`,
    );
  }
  if (r.history) {
    const h = r.history;
    out.push(
      '',
      `**4. History paging** (chat of ${h.messages.toLocaleString('en')} messages, pages of ${h.pageSize}; min / p50 / p99 / max ms)`,
      '',
    );
    out.push('| depth | ours (keyset, listMessages) | seed (findMany skip/take) |', '| ---: | --- | --- |');
    for (const d of Object.keys(h.ours.latency))
      out.push(`| ${Number(d).toLocaleString('en')} | ${lat(h.ours.latency[d])} | ${lat(h.seed.latency[d])} |`);
    out.push(
      '',
      `GET /api/chats, user with ${h.chatList.chats} chats (HTTP, route handler): ${lat(h.chatList.latency)}`,
    );
  }
  if (r.unread) {
    const u = r.unread;
    out.push(
      '',
      `**5. Unread count per notification** (recipient with ${u.unreadMessages} unread; min / p50 / p99 / max ms)`,
      '',
    );
    out.push(
      "| read messages in chat | ours (countUnreadBoth: chat counters) | seed COUNT(*), our indexes | seed COUNT(*), seed's indexes | seed COUNT(*), recipient_id index only |",
      '| ---: | --- | --- | --- | --- |',
    );
    for (const n of Object.keys(u.ours))
      out.push(
        `| ${Number(n).toLocaleString('en')} | ${lat(u.ours[n])} | ${lat(u.seedOurIndexes[n])} | ${lat(u.seedSeedIndexes[n])} | ${lat(u.seedRecipientOnly?.[n])} |`,
      );
  }
  if (r.receipts) {
    const x = r.receipts;
    out.push(
      '',
      `**6. Delivery receipts on vs off** (${x.chats} chats, both members connected; ${x.phaseSec} s phases alternating off/on; closed-loop sends, then ${x.fixedRate} msg/s)`,
      '',
    );
    out.push(
      '| receipts | closed-loop msgs/s | closed-loop latency | latency at fixed rate | receipts seen | server CPU ms / 1,000 sends |',
      '| --- | ---: | --- | --- | ---: | ---: |',
    );
    for (const p of x.phases)
      out.push(
        `| ${p.receipts ? 'on' : 'off'} | ${p.throughputMsgsPerSec} | ${lat(p.closedLoopLatency)} | ${lat(p.fixedRateLatency)} | ${p.receiptsSeen} | ${p.serverCpuMsPer1000} |`,
      );
    out.push(
      '',
      `On / off (mean throughput; p99 of all the samples of each mode): throughput **${x.on.throughput} / ${x.off.throughput} msg/s (${x.ratios.throughput}×)**, ` +
        `closed-loop p99 **${ms(x.on.closedLoopP99Ms)} / ${ms(x.off.closedLoopP99Ms)} ms (${x.ratios.closedLoopP99}×)**, ` +
        `p99 at ${x.fixedRate} msg/s **${ms(x.on.fixedRateP99Ms)} / ${ms(x.off.fixedRateP99Ms)} ms (${x.ratios.fixedRateP99}×)**, ` +
        `realtime CPU per send **${x.on.serverCpuMsPer1000} / ${x.off.serverCpuMsPer1000} ms per 1,000 (${x.ratios.serverCpuPerMessage}×)**.`,
    );
  }
  if (r.search) {
    const x = r.search;
    out.push(
      '',
      `**7. Search** (a host with ${x.hostChats} chats holding ${x.hostMessages.toLocaleString('en')} of ${x.messages.toLocaleString('en')} messages, Zipf-like vocabulary; loaded in ${x.loadSec} s; lib/chat searchInbox as the host, each query run several times)`,
      '',
      '| query | distinct queries | min / p50 / p99 / max ms | median results (of 20) |',
      '| --- | ---: | --- | ---: |',
      `| whole word, common to rare | ${x.words.queries} | ${lat(x.words.latency)} | ${x.words.medianHits} |`,
      `| 3-letter fragment of the same words | ${x.fragments.queries} | ${lat(x.fragments.latency)} | ${x.fragments.medianHits} |`,
      '',
      `Acked sends with / without the search index (${x.sends.clients} clients, ${x.sends.phaseSec} s phases alternating: ${x.sends.phases.map((p: any) => `${p.index ? 'with' : 'without'} ${p.msgsPerSec}`).join(', ')}): ` +
        `**${x.sends.withIndex} / ${x.sends.withoutIndex} msg/s (${x.sends.ratio}×)**.`,
    );
  }
  if (r.growth) {
    const g = r.growth;
    const st = g.settings;
    out.push(
      '',
      `**8. Growth** (closed-loop sends: ${st.clients} clients, ${st.durationSec} s after ${st.warmupSec} s warm-up; latency at ${st.fixedRate} msg/s for ${st.fixedRateSec} s over ${st.fixedRateClients} clients; min / p50 / p99 / max ms)`,
      '',
      '| setting | acked msgs/s | verified / acked | failed | latency at fixed rate | delivered/s | sustained |',
      '| --- | ---: | ---: | ---: | --- | ---: | --- |',
    );
    for (const [name, x] of [
      ['one node', g.oneNode],
      [`one node, ${g.idleSockets.idleSockets.toLocaleString('en')} idle sockets`, g.idleSockets],
      ['two nodes + redis-server, every message crossing', g.twoNodes],
    ] as const) {
      if (x.skipped) {
        out.push(`| ${name} | skipped: ${x.skipped} | | | | | |`);
        continue;
      }
      const f = x.fixedRate;
      out.push(
        `| ${name} | ${x.sends.msgsPerSec} | ${x.sends.verified} / ${x.sends.acked} | ${x.sends.failed + f.failed} | ${lat(f.latency)} | ${f.deliveredRate} | ${f.sustained ? 'yes' : 'no'} |`,
      );
    }
    const times = (x: number | null) => (x === null ? '–' : `${x}×`);
    out.push(
      '',
      `Over one node: ${st.idleSockets.toLocaleString('en')} idle sockets **${times(g.ratios.idleSocketsSends)}** sends, **${times(g.ratios.idleSocketsP99)}** p99; ` +
        `two nodes **${times(g.ratios.twoNodesSends)}** sends, **${times(g.ratios.twoNodesP99)}** p99.`,
    );
  }
  return out.join('\n');
}
