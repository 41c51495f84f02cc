// The markdown tooltip of a campaign in the Campaigns view. Every field comes from a records file,
// so each is escaped: a crafted record shows as text, never as links, images or fake lines.
import type { CampaignRead } from '../../../server/src/measurements';
import { escapeMarkdown as md, markdownCode } from '../../../server/src/markdown-escape';

export function localDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Paragraphs of the tooltip of campaign `r` (records file `campaignFile`, `planned` layers). */
export function campaignTooltipLines(r: CampaignRead, campaignFile: string, planned: number): string[] {
  const c = r.campaign!;
  const last = r.ends[r.ends.length - 1];
  return [
    `**${md(c.network.path)}** on **${md(c.target.name)}** (${md(c.target.kind)}, ${md(c.target.device)}${c.target.threads ? `, ${md(String(c.target.threads))} thread(s)` : ''})`,
    `Started ${md(localDate(c.created))}, last record ${md(localDate(r.updated ?? c.created))}`,
    `${r.layers.length} of ${planned} layers measured, ${r.sessions.length} session(s)${last ? `, last ended: ${md(last.status)}${last.message ? ` (${md(last.message)})` : ''}` : ''}`,
    c.emulated ? 'Emulated board' : '',
    r.problems.length
      ? `${r.problems.length} problem(s): ${r.problems
          .slice(0, 3)
          .map((p) => `line ${p.line}: ${md(p.message)}`)
          .join('; ')}`
      : '',
    markdownCode(campaignFile, { limit: 400 }),
  ].filter(Boolean);
}
